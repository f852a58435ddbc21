using System.ComponentModel;
using InferencePipeline.Contracts;
using InferencePipeline.LoadGen;
using InferencePipeline.ModelRepository;
using Spectre.Console.Cli;

namespace InferencePipeline.Cli.Commands;

/// <summary>
/// The options of <c>inferpipe bench</c>, and what follows from them: the model's name in the output, the
/// in-process session's settings, the open-loop distribution. Their validation is in BenchSettings.Validation.cs.
/// </summary>
public sealed partial class BenchSettings : CommandSettings
{
    [CommandOption("--url <URL>")]
    [Description("The server's KServe v2 gRPC address, e.g. http://localhost:8001.")]
    public string? Url { get; init; }

    [CommandOption("--model <NAME>")]
    [Description("Model to measure (with --model-file: a name for the output, default the file's name).")]
    public string? Model { get; init; }

    [CommandOption("--model-version <VERSION>")]
    [Description("Model version (default: the server's choice).")]
    public string ModelVersion { get; init; } = "";

    [CommandOption("--model-file <PATH>")]
    [Description("Measure this ONNX file in this process with ONNX Runtime, no server (like perf_analyzer's C API mode). Compare with a --url run to see what serving adds.")]
    public string? ModelFile { get; init; }

    [CommandOption("--execution-provider <EP>")]
    [Description("With --model-file: cpu (default), cuda or tensorrt; falls back to CPU, saying why, where unavailable.")]
    public string? ExecutionProvider { get; init; }

    [CommandOption("--graph-optimization-level <LEVEL>")]
    [Description("With --model-file: 0 (off), 1 (basic), 2 (extended) or 99 (all, the default).")]
    public int? GraphOptimizationLevel { get; init; }

    [CommandOption("--intra-op-threads <N>")]
    [Description("With --model-file: ONNX Runtime's threads within an operator (default 0: its own choice).")]
    public int? IntraOpThreads { get; init; }

    [CommandOption("--inter-op-threads <N>")]
    [Description("With --model-file: ONNX Runtime's threads across operators (default 0: its own choice).")]
    public int? InterOpThreads { get; init; }

    [CommandOption("--concurrency <LIST>")]
    [Description("Closed loop: concurrency levels, measured in order (default 1).")]
    public string? Concurrency { get; init; }

    [CommandOption("--request-rate <LIST>")]
    [Description("Open loop instead: requests per second, measured in order, e.g. 50,100,200.")]
    public string? RequestRate { get; init; }

    [CommandOption("--request-distribution <KIND>")]
    [Description("Open loop: constant (evenly spaced, the default) or poisson (random arrivals).")]
    public string RequestDistribution { get; init; } = "constant";

    [CommandOption("--max-threads <N>")]
    [Description("Open loop: requests in flight at most; later ones wait and count as delayed (default 64).")]
    public int MaxThreads { get; init; } = 64;

    [CommandOption("--batch-size <N>")]
    [Description("Samples per request (default 1).")]
    public int BatchSize { get; init; } = 1;

    [CommandOption("--input-data <MODE|FILE>")]
    [Description("random (default), zero, or a JSON file in perf_analyzer's --input-data format.")]
    public string InputData { get; init; } = "random";

    [CommandOption("--string-length <N>")]
    [Description("Length of the random strings sent to BYTES inputs (default 128).")]
    public int StringLength { get; init; } = TensorDataFactory.DefaultStringLength;

    [CommandOption("--string-data <TEXT>")]
    [Description("Send this string in every element of BYTES inputs instead of random strings.")]
    public string? StringData { get; init; }

    [CommandOption("--window-ms <MS>")]
    [Description("Measurement window (default 1000).")]
    public int WindowMs { get; init; } = 1000;

    [CommandOption("--stability <PERCENT>")]
    [Description("Windows count as stable within this percentage (default 10).")]
    public double Stability { get; init; } = 10;

    [CommandOption("--max-trials <N>")]
    [Description("Windows measured at most per level (default 10).")]
    public int MaxTrials { get; init; } = 10;

    [CommandOption("--latency-budget-ms <MS>")]
    [Description("Stop the sweep after the first level whose p99 exceeds this.")]
    public double? LatencyBudgetMs { get; init; }

    [CommandOption("--shape <NAME:DIMS>")]
    [Description("Size of an input's dynamic dimensions, without the batch dimension, e.g. input_ids:128 (repeatable).")]
    public string[] Shapes { get; init; } = [];

    [CommandOption("--csv <PATH>")]
    [Description("Write the results as perf_analyzer's CSV.")]
    public string? Csv { get; init; }

    /// <summary>
    /// The model's name in the output: --model, else the model's directory for a file in a Triton repository
    /// (<c>bert/1/model.onnx</c> is bert), else the file's name without its extension.
    /// </summary>
    public string ModelName
    {
        get
        {
            if (Model is not null || ModelFile is null)
            {
                return Model ?? "";
            }

            var full = Path.GetFullPath(ModelFile);
            var version = Path.GetDirectoryName(full);
            var model = Path.GetDirectoryName(version);
            return long.TryParse(Path.GetFileName(version), out _) && !string.IsNullOrEmpty(Path.GetFileName(model))
                ? Path.GetFileName(model)!
                : Path.GetFileNameWithoutExtension(full);
        }
    }

    /// <summary>The in-process session's settings (--model-file), from the ONNX Runtime options.</summary>
    public OrtSettings OrtSettings => new(
        ExecutionProvider: ExecutionProvider ?? OrtExecutionProviderNames.Cpu,
        GraphOptimizationLevel: GraphOptimizationLevel ?? 99,
        IntraOpThreads: IntraOpThreads ?? 0,
        InterOpThreads: InterOpThreads ?? 0);

    /// <summary>The open-loop distribution named by <see cref="RequestDistribution"/>, when it names one.</summary>
    public RateDistribution? Distribution => RequestDistribution.ToLowerInvariant() switch
    {
        "constant" => RateDistribution.Constant,
        "poisson" => RateDistribution.Poisson,
        _ => null,
    };
}
