using System.ComponentModel;
using InferencePipeline.Contracts;
using Spectre.Console;
using Spectre.Console.Cli;

namespace InferencePipeline.Cli.Commands;

/// <summary>The options that shape a <see cref="StartPipeline"/> request, shared by <c>demo</c> and <c>run</c>.</summary>
public class PipelineRequestSettings : CommandSettings
{
    [CommandOption("-m|--model <PATH>")]
    [Description("ONNX model to optimize. demo: minilm (the default: all-MiniLM-L6-v2 with real sentences), seed-shaped (the BERT-shaped synthetic model) or a path.")]
    public string? Model { get; init; }

    [CommandOption("-n|--name <NAME>")]
    [Description("Model name in the serving repository (default: the file name).")]
    public string? Name { get; init; }

    [CommandOption("-b|--latency-budget-ms <MS>")]
    [Description("p99 latency budget in milliseconds: configs slower than this are not candidates (default 100; the MiniLM demo: 500).")]
    public double? LatencyBudgetMs { get; init; }

    /// <summary>The budget when none is given.</summary>
    public const double DefaultLatencyBudgetMs = 100;

    [CommandOption("--concurrency <LIST>")]
    [Description("Comma-separated client concurrencies to measure (default 1,4,16).")]
    public string? Concurrency { get; init; }

    [CommandOption("--batch-sizes <LIST>")]
    [Description("Comma-separated dynamic-batching preferred sizes to search (default 4,16).")]
    public string? BatchSizes { get; init; }

    [CommandOption("--instances <LIST>")]
    [Description("Comma-separated instance counts to search (default 1,2).")]
    public string? Instances { get; init; }

    [CommandOption("--window-ms <MS>")]
    [Description("Measurement window in milliseconds (perf_analyzer's -p).")]
    [DefaultValue(500)]
    public int WindowMs { get; init; } = 500;

    [CommandOption("--seed-search")]
    [Description("Use the seed's full search (batch 1..16 × 1..5 instances, concurrency 1..128). Takes long on a CPU.")]
    public bool SeedSearch { get; init; }

    [CommandOption("--input-data <FILE>")]
    [Description("Real inputs, perf_analyzer's --input-data JSON: the tuner judges accuracy and calibrates int8 on them, the profiler sends them.")]
    public string? InputData { get; init; }

    [CommandOption("--no-deploy")]
    [Description("Stop after the report; do not deploy the chosen config.")]
    public bool NoDeploy { get; init; }

    public override ValidationResult Validate()
    {
        if (LatencyBudgetMs is <= 0)
        {
            return ValidationResult.Error("--latency-budget-ms must be positive.");
        }

        foreach (var (option, value) in new[] { ("--concurrency", Concurrency), ("--batch-sizes", BatchSizes), ("--instances", Instances) })
        {
            if (value is not null && !IntList.TryParse(value, out _))
            {
                return ValidationResult.Error($"{option} takes positive integers separated by commas, e.g. 1,4,16 (got '{value}').");
            }
        }

        if (InputData is not null && !File.Exists(InputData))
        {
            return ValidationResult.Error($"--input-data '{InputData}' does not exist; give a perf_analyzer input-data JSON file.");
        }

        return WindowMs < 50 ? ValidationResult.Error("--window-ms must be at least 50.") : ValidationResult.Success();
    }

    public StartPipeline ToRequest(string modelPath)
    {
        var small = SearchSpace.Small;
        var space = SeedSearch
            ? SearchSpace.Seed
            : small with
            {
                Concurrency = Concurrency is null ? small.Concurrency : IntList.Parse(Concurrency),
                PreferredBatchSizes = BatchSizes is null ? small.PreferredBatchSizes : IntList.Parse(BatchSizes),
                InstanceCounts = Instances is null ? small.InstanceCounts : IntList.Parse(Instances),
            };
        space = space with { MeasurementWindowMs = WindowMs };

        return new StartPipeline(
            PipelineId: Guid.NewGuid(),
            ModelName: Name ?? ModelNames.FromFileName(modelPath),
            ModelUri: Path.GetFullPath(modelPath),
            Format: ModelFormat.Auto,
            Inputs: [],
            Outputs: [],
            Constraints: new PipelineConstraints(MaxLatencyP99Ms: LatencyBudgetMs ?? DefaultLatencyBudgetMs),
            Objectives: Objective.Default,
            SearchSpace: space,
            DeployTarget: NoDeploy ? new DeployTarget(DeployTargetKind.None) : DeployTarget.LocalServer,
            InputDataUri: InputData is null ? null : Path.GetFullPath(InputData));
    }
}
