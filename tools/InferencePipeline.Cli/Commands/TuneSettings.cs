using System.ComponentModel;
using System.Globalization;
using InferencePipeline.ModelRepository;
using InferencePipeline.OrtTuner;
using Spectre.Console;
using Spectre.Console.Cli;

namespace InferencePipeline.Cli.Commands;

/// <summary>
/// <c>inferpipe tune</c> (alias <c>optimize</c>): OLive's <c>optimize</c> flags one to one (snake_case as OLive spells
/// them, kebab-case too), plus perf_analyzer's <c>--shape</c> and <c>--input-data</c>, the batch sizes to measure and the
/// accuracy tolerance.
/// </summary>
public sealed class TuneSettings : CommandSettings
{
    [CommandOption("--model_path|--model-path <PATH>")]
    [Description("The ONNX model to tune.")]
    public string? ModelPath { get; init; }

    [CommandOption("--result_path|--result-path <DIR>")]
    [Description("Where ort-tuning.csv, trials.json and the tuned repository entry (<name>/config.pbtxt, <name>/1/model.onnx) go.")]
    [DefaultValue("./artifacts/tune")]
    public string ResultPath { get; init; } = "./artifacts/tune";

    [CommandOption("--model_name|--model-name <NAME>")]
    [Description("Name of the tuned repository entry (default: the file name).")]
    public string? ModelName { get; init; }

    [CommandOption("--providers_list|--providers-list <LIST>")]
    [Description("Execution providers to try, e.g. cpu,cuda,tensorrt (default: every one that works here). ONNX Runtime's defaults on CPU are always measured as the baseline.")]
    public string? ProvidersList { get; init; }

    [CommandOption("--trt_fp16_enabled|--trt-fp16-enabled")]
    [Description("Also try TensorRT in fp16 (where TensorRT works).")]
    public bool TrtFp16Enabled { get; init; }

    [CommandOption("--quantization_enabled|--quantization-enabled")]
    [Description("Also try int8 (dynamic quantization of MatMul/Gemm weights with activation smoothing) on CPUs with VNNI or AMX.")]
    public bool QuantizationEnabled { get; init; }

    [CommandOption("--shape <NAME:DIMS>")]
    [Description("Size of an input's dynamic dimensions, without the batch dimension, e.g. input_ids:128 (repeatable).")]
    public string[] Shapes { get; init; } = [];

    [CommandOption("--batch-sizes|--batch_sizes <LIST>")]
    [Description("Batch sizes to measure every candidate at, e.g. 1,8; the choice is made at the first.")]
    [DefaultValue("1")]
    public string BatchSizes { get; init; } = "1";

    [CommandOption("--accuracy-tolerance|--accuracy_tolerance <T>")]
    [Description("Accuracy loss allowed against the fp32 model: cosine >= 1-T, argmax agreement >= 1-T, relative max |diff| <= T (default: cosine 0.995, agreement 0.99, relative 0.01).")]
    public double? AccuracyTolerance { get; init; }

    [CommandOption("--input-data|--input_data <FILE>")]
    [Description("Real inputs, perf_analyzer's --input-data JSON: the accuracy gate, the int8 calibration and the timing run on them.")]
    public string? InputData { get; init; }

    [CommandOption("--window-ms <MS>")]
    [Description("Measurement window in milliseconds.")]
    [DefaultValue(500)]
    public int WindowMs { get; init; } = 500;

    [CommandOption("--max-trials <N>")]
    [Description("fp32 settings tried at most, ONNX Runtime's defaults included (int8 and fp16 come on top).")]
    [DefaultValue(16)]
    public int MaxTrials { get; init; } = 16;

    [CommandOption("--exhaustive")]
    [Description("Try every combination of graph level, threads and execution mode instead of one knob at a time.")]
    public bool Exhaustive { get; init; }

    [CommandOption("--isolate-trials")]
    [Description("Run every trial in a child process (fp16 trials always are), for models that may crash ONNX Runtime.")]
    public bool IsolateTrials { get; init; }

    public override ValidationResult Validate()
    {
        if (string.IsNullOrWhiteSpace(ModelPath))
        {
            return ValidationResult.Error("--model_path is required: the ONNX model to tune.");
        }

        if (!File.Exists(ModelPath))
        {
            return ValidationResult.Error($"--model_path '{ModelPath}' does not exist; give the path of an .onnx file.");
        }

        if (InputData is not null && !File.Exists(InputData))
        {
            return ValidationResult.Error($"--input-data '{InputData}' does not exist; give a perf_analyzer input-data JSON file.");
        }

        if (!IntList.TryParse(BatchSizes, out _))
        {
            return ValidationResult.Error($"--batch-sizes '{BatchSizes}' is not a list of positive integers such as 1 or 1,8.");
        }

        if (AccuracyTolerance is { } tolerance && (tolerance is <= 0 or >= 1 || double.IsNaN(tolerance)))
        {
            return ValidationResult.Error($"--accuracy-tolerance {tolerance.ToString(CultureInfo.InvariantCulture)} must be between 0 and 1, e.g. 0.005 (cosine >= 0.995).");
        }

        if (!ShapeList.TryParse(Shapes, out _, out var shapeError))
        {
            return ValidationResult.Error(shapeError!);
        }

        foreach (var provider in Providers())
        {
            try
            {
                OrtExecutionProviderNames.Normalize(provider);
            }
            catch (ArgumentException e)
            {
                return ValidationResult.Error($"--providers_list: {e.Message}.");
            }
        }

        if (MaxTrials < 1)
        {
            return ValidationResult.Error("--max-trials must be at least 1 (ONNX Runtime's defaults, the baseline).");
        }

        return WindowMs < 50 ? ValidationResult.Error("--window-ms must be at least 50.") : ValidationResult.Success();
    }

    public IReadOnlyDictionary<string, long[]>? ShapeOverrides()
    {
        ShapeList.TryParse(Shapes, out var shapes, out _);
        return shapes;
    }

    /// <summary>The tuner's options these flags describe.</summary>
    public OrtTunerOptions ToOptions()
    {
        var options = new OrtTunerOptions
        {
            Providers = [.. Providers()],
            QuantizationEnabled = QuantizationEnabled,
            TensorRtFp16Enabled = TrtFp16Enabled,
            BatchSizes = [.. IntList.Parse(BatchSizes)],
            WindowMs = WindowMs,
            MaxTrials = MaxTrials,
            Exhaustive = Exhaustive,
            IsolateAllTrials = IsolateTrials,
        };
        if (AccuracyTolerance is { } tolerance)
        {
            options.MinCosine = 1 - tolerance;
            options.MinAgreement = 1 - tolerance;
            options.MaxRelativeDiff = tolerance;
        }

        return options;
    }

    private IEnumerable<string> Providers() =>
        (ProvidersList ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
