using InferencePipeline.Contracts;

namespace InferencePipeline.ModelAnalyzer.Config;

/// <summary>
/// A Model Analyzer YAML file (profile or analyze; both read the same keys), with Model Analyzer's defaults for
/// what the file leaves out. Paths are absolute (resolved against the directory the command runs in).
/// </summary>
public sealed record ModelAnalyzerConfig
{
    public const int DefaultMaxBinarySearchSteps = 5;

    /// <summary>The file it was read from, for messages.</summary>
    public string Source { get; init; } = "";

    public string? ModelRepository { get; init; }

    public string? OutputModelRepositoryPath { get; init; }

    public bool OverrideOutputModelRepository { get; init; }

    public string CheckpointDirectory { get; init; } = "checkpoints";

    public string ExportPath { get; init; } = ".";

    public IReadOnlyList<ProfileModelSpec> ProfileModels { get; init; } = [];

    /// <summary>The global <c>concurrency</c>, <c>batch_sizes</c> and <c>request_rate</c>.</summary>
    public LoadParameters Parameters { get; init; } = LoadParameters.None;

    public ConfigSearchMode SearchMode { get; init; } = ConfigSearchMode.Brute;

    public bool SearchDisable { get; init; }

    public int MinConcurrency { get; init; } = 1;

    public int MaxConcurrency { get; init; } = 1024;

    public int MinRequestRate { get; init; } = 16;

    public int MaxRequestRate { get; init; } = 8192;

    public int MinInstanceCount { get; init; } = 1;

    public int MaxInstanceCount { get; init; } = 5;

    public int MinModelBatchSize { get; init; } = 1;

    public int MaxModelBatchSize { get; init; } = 128;

    public int MaxBinarySearchSteps { get; init; } = DefaultMaxBinarySearchSteps;

    public int NumConfigsPerModel { get; init; } = 3;

    /// <summary>Model Analyzer's <c>num_top_model_configs</c>: 0 reports every measured config.</summary>
    public int NumTopModelConfigs { get; init; }

    public PerfAnalyzerFlags PerfAnalyzerFlags { get; init; } = PerfAnalyzerFlags.None;

    public TritonLaunchMode LaunchMode { get; init; } = TritonLaunchMode.Local;

    public string GrpcEndpoint { get; init; } = "localhost:8001";

    public string HttpEndpoint { get; init; } = "localhost:8000";

    public string DockerImage { get; init; } = "nvcr.io/nvidia/tritonserver:24.08-py3";

    /// <summary>The global constraints, with <c>latency_budget</c> and <c>min_throughput</c> folded in.</summary>
    public IReadOnlyList<MetricConstraint> Constraints { get; init; } = [];

    /// <summary>The global objectives; empty means Model Analyzer's default (throughput).</summary>
    public IReadOnlyList<Objective> Objectives { get; init; } = [];

    public IReadOnlyList<AnalysisModelSpec> AnalysisModels { get; init; } = [];

    public IReadOnlyList<string> InferenceOutputFields { get; init; } = DefaultInferenceOutputFields;

    public IReadOnlyList<string> ServerOutputFields { get; init; } = DefaultServerOutputFields;

    public string FilenameModelInference { get; init; } = "metrics-model-inference.csv";

    public string FilenameServerOnly { get; init; } = "metrics-server-only.csv";

    /// <summary>Model Analyzer's default <c>inference_output_fields</c>.</summary>
    public static IReadOnlyList<string> DefaultInferenceOutputFields { get; } =
    [
        "model_name", "batch_size", "concurrency", "model_config_path", "instance_group", "max_batch_size",
        "satisfies_constraints", Metrics.Throughput, Metrics.LatencyP99,
    ];

    /// <summary>Model Analyzer's default <c>server_output_fields</c>.</summary>
    public static IReadOnlyList<string> DefaultServerOutputFields { get; } =
        ["model_name", "gpu_uuid", "gpu_used_memory", "gpu_utilization", "gpu_power_usage"];

    /// <summary>The constraints that apply to <paramref name="model"/>: the global ones, tightened by the model's own.</summary>
    public ConstraintSet ConstraintsFor(string model)
    {
        var global = new ConstraintSet(Constraints);
        var own = ProfileModels.FirstOrDefault(m => m.Name == model)?.Constraints
                  ?? AnalysisModels.FirstOrDefault(m => m.Name == model)?.Constraints;
        return own is null ? global : global.With(own);
    }

    /// <summary>perf_analyzer's flags for <paramref name="model"/>: its own, each over the global one.</summary>
    public PerfAnalyzerFlags FlagsFor(string model) =>
        (ProfileModels.FirstOrDefault(m => m.Name == model)?.PerfAnalyzerFlags ?? PerfAnalyzerFlags.None).Over(PerfAnalyzerFlags);

    /// <summary>The objectives for <paramref name="model"/>: its own, else the global ones, else throughput.</summary>
    public IReadOnlyList<Objective> ObjectivesFor(string model)
    {
        var own = AnalysisModels.FirstOrDefault(m => m.Name == model)?.Objectives
                  ?? ProfileModels.FirstOrDefault(m => m.Name == model)?.Objectives;
        return own is { Count: > 0 } ? own : Objectives.Count > 0 ? Objectives : Objective.Default;
    }
}
