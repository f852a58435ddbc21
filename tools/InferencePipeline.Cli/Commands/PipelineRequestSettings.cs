using System.ComponentModel;
using InferencePipeline.Contracts;
using Spectre.Console;
using Spectre.Console.Cli;

namespace InferencePipeline.Cli.Commands;

/// <summary>The options that shape a <see cref="StartPipeline"/> request, shared by <c>demo</c> and <c>run</c>.</summary>
public class PipelineRequestSettings : CommandSettings
{
    [CommandOption("-m|--model <PATH>")]
    [Description("Model to optimize: ONNX (.onnx), TorchScript (.pt) or a pickled PyTorch model (.pth, with --trust-pickle). demo: minilm (the default: all-MiniLM-L6-v2 with real sentences), seed-shaped (the BERT-shaped synthetic model) or a path.")]
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
    [Description("Real inputs, perf_analyzer's --input-data JSON: the tuner judges accuracy and calibrates int8 on them, the profiler sends them. " +
                 "run uploads the file (POST /input-data); demo reads it in place, from under the current directory.")]
    public string? InputData { get; init; }

    [CommandOption("--no-deploy")]
    [Description("Stop after the report; do not deploy the chosen config.")]
    public bool NoDeploy { get; init; }

    [CommandOption("--shape <NAME:DIMS>")]
    [Description("Size of an input's dimensions without the batch, as perf_analyzer's --shape, e.g. input_ids:128 or image:3,224,224 (repeatable). Needed where the model leaves a dimension open; the served config keeps it dynamic. PyTorch models: one per argument of forward(), in order.")]
    public string[] Shapes { get; init; } = [];

    [CommandOption("--input-types <TYPES>")]
    [Description("PyTorch models only: the type of each --shape input, in order, comma-separated (int64, float32, ...), as OLive's --input_types.")]
    public string? InputTypes { get; init; }

    [CommandOption("--trust-pickle")]
    [Description("Load a pickled PyTorch model (torch.save, .pth). A pickle runs code from the file when loaded: only for files you trust.")]
    public bool TrustPickle { get; init; }

    [CommandOption("--onnx-opset <OPSET>")]
    [Description("The ONNX opset a PyTorch model is exported at (default 11, the seed's).")]
    public int? OnnxOpset { get; init; }

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

        if (!ShapeList.TryParse(Shapes, out _, out var shapeError))
        {
            return ValidationResult.Error(shapeError!);
        }

        if (OnnxOpset is < 1)
        {
            return ValidationResult.Error($"--onnx-opset {OnnxOpset} is not an ONNX opset; the seed uses 11.");
        }

        if (InputData is not null && !File.Exists(InputData))
        {
            return ValidationResult.Error($"--input-data '{InputData}' does not exist; give a perf_analyzer input-data JSON file.");
        }

        return WindowMs < 50 ? ValidationResult.Error("--window-ms must be at least 50.") : ValidationResult.Success();
    }

    /// <param name="inputs">The declared inputs (<see cref="ShapeInputs"/>, from --shape); none: the model's own.</param>
    public StartPipeline ToRequest(string modelPath, IReadOnlyList<TensorSpec>? inputs = null)
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
            Inputs: inputs ?? [],
            Outputs: [],
            Constraints: new PipelineConstraints(MaxLatencyP99Ms: LatencyBudgetMs ?? DefaultLatencyBudgetMs),
            Objectives: Objective.Default,
            SearchSpace: space,
            DeployTarget: NoDeploy ? new DeployTarget(DeployTargetKind.None) : DeployTarget.LocalServer,
            TrustPickle: TrustPickle,
            OnnxOpset: OnnxOpset,
            InputDataUri: InputData is null ? null : Path.GetFullPath(InputData));
    }
}
