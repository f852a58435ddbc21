using System.Globalization;
using InferencePipeline.Contracts;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace InferencePipeline.ModelAnalyzer.Config;

/// <summary>
/// The reading state of one Model Analyzer YAML file: the config built so far and the handler of each key. This part
/// reads the top-level keys and checks the result; the other parts read the models and the measurement settings.
/// </summary>
internal sealed partial class ModelAnalyzerYamlReader(YamlNodeReader r, string baseDirectory)
{
    private double? _latencyBudget;
    private double? _minThroughput;
    private IReadOnlyList<MetricConstraint> _constraints = [];

    public ModelAnalyzerConfig Config { get; set; } = null!;

    public Dictionary<string, Action<YamlNode, string>> TopLevelHandlers() => new()
    {
        ["model_repository"] = (v, p) => Config = Config with { ModelRepository = PathOf(v, p) },
        ["output_model_repository_path"] = (v, p) => Config = Config with { OutputModelRepositoryPath = PathOf(v, p) },
        ["override_output_model_repository"] = (v, p) => Config = Config with { OverrideOutputModelRepository = r.Bool(v, p) },
        ["checkpoint_directory"] = (v, p) => Config = Config with { CheckpointDirectory = PathOf(v, p) },
        ["export_path"] = (v, p) => Config = Config with { ExportPath = PathOf(v, p) },
        ["profile_models"] = (v, p) => Config = Config with { ProfileModels = ProfileModels(v, p) },
        ["analysis_models"] = (v, p) => Config = Config with { AnalysisModels = AnalysisModels(v, p) },
        ["concurrency"] = (v, p) => Config = Config with { Parameters = Config.Parameters with { Concurrency = r.IntList(v, p, 1) } },
        ["batch_sizes"] = (v, p) => Config = Config with { Parameters = Config.Parameters with { BatchSizes = r.IntList(v, p, 1) } },
        ["request_rate"] = (v, p) => Config = Config with { Parameters = Config.Parameters with { RequestRate = r.NumberList(v, p, 0) } },
        ["run_config_search_mode"] = (v, p) => Config = Config with { SearchMode = SearchMode(v, p) },
        ["run_config_search_disable"] = (v, p) => Config = Config with { SearchDisable = r.Bool(v, p) },
        ["run_config_search_min_concurrency"] = (v, p) => Config = Config with { MinConcurrency = r.Int(v, p, 1) },
        ["run_config_search_max_concurrency"] = (v, p) => Config = Config with { MaxConcurrency = r.Int(v, p, 1) },
        ["run_config_search_min_request_rate"] = (v, p) => Config = Config with { MinRequestRate = r.Int(v, p, 1) },
        ["run_config_search_max_request_rate"] = (v, p) => Config = Config with { MaxRequestRate = r.Int(v, p, 1) },
        ["run_config_search_min_instance_count"] = (v, p) => Config = Config with { MinInstanceCount = r.Int(v, p, 1) },
        ["run_config_search_max_instance_count"] = (v, p) => Config = Config with { MaxInstanceCount = r.Int(v, p, 1) },
        ["run_config_search_min_model_batch_size"] = (v, p) => Config = Config with { MinModelBatchSize = r.Int(v, p, 1) },
        ["run_config_search_max_model_batch_size"] = (v, p) => Config = Config with { MaxModelBatchSize = r.Int(v, p, 1) },
        ["run_config_search_max_binary_search_steps"] = (v, p) => Config = Config with { MaxBinarySearchSteps = r.Int(v, p, 0) },
        ["num_configs_per_model"] = (v, p) => Config = Config with { NumConfigsPerModel = r.Int(v, p, 1) },
        ["num_top_model_configs"] = (v, p) => Config = Config with { NumTopModelConfigs = r.Int(v, p, 0) },
        ["perf_analyzer_flags"] = (v, p) => Config = Config with { PerfAnalyzerFlags = Flags(v, p) },
        ["triton_launch_mode"] = (v, p) => Config = Config with { LaunchMode = LaunchMode(v, p) },
        ["triton_grpc_endpoint"] = (v, p) => Config = Config with { GrpcEndpoint = r.String(v, p) },
        ["triton_http_endpoint"] = (v, p) => Config = Config with { HttpEndpoint = r.String(v, p) },
        ["triton_docker_image"] = (v, p) => Config = Config with { DockerImage = r.String(v, p) },
        ["latency_budget"] = (v, p) => _latencyBudget = r.Number(v, p, 0),
        ["min_throughput"] = (v, p) => _minThroughput = r.Number(v, p, 0),
        ["constraints"] = (v, p) => _constraints = Constraints(v, p),
        ["objectives"] = (v, p) => Config = Config with { Objectives = Objectives(v, p) },
        ["inference_output_fields"] = (v, p) => Config = Config with { InferenceOutputFields = Fields(v, p) },
        ["server_output_fields"] = (v, p) => Config = Config with { ServerOutputFields = Fields(v, p) },
        ["filename_model_inference"] = (v, p) => Config = Config with { FilenameModelInference = FileName(v, p) },
        ["filename_server_only"] = (v, p) => Config = Config with { FilenameServerOnly = FileName(v, p) },
    };

    public ModelAnalyzerConfig Finish(YamlNode root)
    {
        var constraints = new ConstraintSet(_constraints);
        var extra = new List<MetricConstraint>();
        if (_latencyBudget is { } budget)
        {
            extra.Add(new MetricConstraint(Metrics.LatencyP99, null, budget));
        }

        if (_minThroughput is { } floor)
        {
            extra.Add(new MetricConstraint(Metrics.Throughput, floor, null));
        }

        var config = Config with { Constraints = constraints.With(extra).Constraints };
        if (config.CheckpointDirectory == "checkpoints")
        {
            config = config with { CheckpointDirectory = Path.GetFullPath("checkpoints", baseDirectory) };
        }

        if (config.ExportPath == ".")
        {
            config = config with { ExportPath = Path.GetFullPath(baseDirectory) };
        }

        Check(root, config.MinConcurrency <= config.MaxConcurrency, "run_config_search_min_concurrency",
            $"run_config_search_min_concurrency ({config.MinConcurrency}) is above run_config_search_max_concurrency ({config.MaxConcurrency})");
        Check(root, config.MinInstanceCount <= config.MaxInstanceCount, "run_config_search_min_instance_count",
            $"run_config_search_min_instance_count ({config.MinInstanceCount}) is above run_config_search_max_instance_count ({config.MaxInstanceCount})");
        Check(root, config.MinModelBatchSize <= config.MaxModelBatchSize, "run_config_search_min_model_batch_size",
            $"run_config_search_min_model_batch_size ({config.MinModelBatchSize}) is above run_config_search_max_model_batch_size ({config.MaxModelBatchSize})");
        Check(root, config.Parameters.Concurrency is null || config.Parameters.RequestRate is null, "request_rate",
            "'concurrency' and 'request_rate' exclude each other: a sweep measures one kind of load");
        return config;
    }

    private void Check(YamlNode root, bool condition, string key, string problem)
    {
        if (!condition)
        {
            throw new ModelAnalyzerConfigException(r.Source, key, 0, problem);
        }
    }

    private string PathOf(YamlNode node, string path)
    {
        var text = r.String(node, path);
        if (text.Trim().Length == 0)
        {
            throw r.Error(node, path, "expected a path, got an empty string");
        }

        return Path.GetFullPath(text, baseDirectory);
    }

    private string FileName(YamlNode node, string path)
    {
        var text = r.String(node, path);
        return text.Length > 0 && text.IndexOfAny(['/', '\\']) < 0 && text is not "." and not ".."
            ? text
            : throw r.Error(node, path, $"expected a plain file name (no folders: the file goes under export_path/results), got '{text}'");
    }

    private ConfigSearchMode SearchMode(YamlNode node, string path) => r.String(node, path).Trim().ToLowerInvariant() switch
    {
        "brute" => ConfigSearchMode.Brute,
        "quick" => ConfigSearchMode.Quick,
        var other => throw r.Error(node, path, $"expected 'brute' or 'quick', got '{other}'"),
    };

    private TritonLaunchMode LaunchMode(YamlNode node, string path) => r.String(node, path).Trim().ToLowerInvariant() switch
    {
        "local" => TritonLaunchMode.Local,
        "remote" => TritonLaunchMode.Remote,
        "docker" => TritonLaunchMode.Docker,
        var other => throw r.Error(node, path, $"expected 'local' (the embedded server), 'remote' (a running KServe v2 server) or 'docker' (the Triton container), got '{other}'"),
    };
}
