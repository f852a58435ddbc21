using System.ComponentModel;
using InferencePipeline.Contracts;
using InferencePipeline.Converter;
using InferencePipeline.Converter.PyTorch;
using Spectre.Console;
using Spectre.Console.Cli;

namespace InferencePipeline.Cli.Commands;

/// <summary>
/// The options of <c>inferpipe convert</c>: OLive's <c>convert</c> flags one to one (snake_case as OLive spells
/// them, kebab-case too), plus <c>--trust-pickle</c>. Checked before anything runs, each problem one line that
/// names the option and what it takes.
/// </summary>
public sealed class ConvertSettings : CommandSettings
{
    [CommandOption("--model_path|--model-path <PATH>")]
    [Description("The model to convert: TorchScript (.pt, torch.jit.save), a pickled model (.pth, torch.save; needs --trust-pickle) or ONNX (.onnx).")]
    public string? ModelPath { get; init; }

    [CommandOption("--model_framework|--model-framework <FRAMEWORK>")]
    [Description("pytorch or onnx (default: from the file's extension).")]
    public string? ModelFramework { get; init; }

    [CommandOption("--framework_version|--framework-version <VERSION>")]
    [Description("The PyTorch version the model was saved with; a warning says when the installed torch differs.")]
    public string? FrameworkVersion { get; init; }

    [CommandOption("--input_names|--input-names <NAMES>")]
    [Description("Input names, comma-separated, one per argument of forward() in order (PyTorch: required; ONNX: checked against the model).")]
    public string? InputNames { get; init; }

    [CommandOption("--output_names|--output-names <NAMES>")]
    [Description("Output names, comma-separated (PyTorch default: output_0, output_1, ...; ONNX: checked against the model).")]
    public string? OutputNames { get; init; }

    [CommandOption("--input_shapes|--input-shapes <SHAPES>")]
    // Descriptions are Spectre markup: "[[" and "]]" print one bracket each.
    [Description("One shape per input, batch first, -1 for a dynamic dimension, e.g. \"[[[[-1,256]],[[-1,256]],[[-1,256]]]]\". PyTorch: a size is fixed in the exported model, -1 stays dynamic.")]
    public string? InputShapes { get; init; }

    [CommandOption("--input_types|--input-types <TYPES>")]
    [Description("One type per input, comma-separated: int64, int32, float32, float16, bool, ... (PyTorch: required).")]
    public string? InputTypes { get; init; }

    [CommandOption("--onnx_opset|--onnx-opset <OPSET>")]
    [Description("The ONNX opset to export at (default 11, the seed's).")]
    [DefaultValue(PyTorchExportRequest.DefaultOpset)]
    public int OnnxOpset { get; init; } = PyTorchExportRequest.DefaultOpset;

    [CommandOption("--onnx_model_path|--onnx-model-path <PATH>")]
    [Description("The ONNX file to write. A Triton repository entry DIR/NAME/1/model.onnx also gets the baseline DIR/NAME/config.pbtxt.")]
    public string? OnnxModelPath { get; init; }

    [CommandOption("--trust-pickle|--trust_pickle")]
    [Description("Load a pickled PyTorch model (torch.save). A pickle runs code from the file when loaded: only for files you trust.")]
    public bool TrustPickle { get; init; }

    /// <summary>The framework: the flag's, else the one the file's extension says; null when neither says.</summary>
    public ModelFormat? Format => ModelFramework?.Trim().ToLowerInvariant() switch
    {
        "pytorch" or "torch" => ModelFormat.PyTorch, // TorchScript or pickle: the exporter tells them apart by the file's bytes
        "onnx" => ModelFormat.Onnx,
        null => ModelFormatDecision.Resolve(ModelFormat.Auto, ModelPath ?? ""),
        _ => null,
    };

    public bool IsPyTorch => Format is ModelFormat.TorchScript or ModelFormat.PyTorch;

    public override ValidationResult Validate()
    {
        if (string.IsNullOrWhiteSpace(ModelPath))
        {
            return ValidationResult.Error("--model_path is required: the .pt, .pth or .onnx file to convert.");
        }

        if (!File.Exists(ModelPath))
        {
            return ValidationResult.Error($"--model_path '{ModelPath}' does not exist.");
        }

        if (string.IsNullOrWhiteSpace(OnnxModelPath))
        {
            return ValidationResult.Error("--onnx_model_path is required: the ONNX file to write, e.g. model_repository/bert/1/model.onnx.");
        }

        if (Directory.Exists(OnnxModelPath))
        {
            return ValidationResult.Error($"--onnx_model_path '{OnnxModelPath}' is a folder; give the file to write, e.g. {Path.Combine(OnnxModelPath, "bert", "1", "model.onnx")}.");
        }

        if (Path.GetFullPath(OnnxModelPath) == Path.GetFullPath(ModelPath))
        {
            return ValidationResult.Error("--onnx_model_path is the input file itself; write the converted model elsewhere.");
        }

        if (ModelFramework is not null && ModelFramework.Trim().ToLowerInvariant() is not ("pytorch" or "torch" or "onnx"))
        {
            return ValidationResult.Error($"--model_framework '{ModelFramework}' is not pytorch or onnx.");
        }

        if (Format is null)
        {
            return ValidationResult.Error($"Cannot tell the framework of '{ModelPath}' from its extension: give --model_framework pytorch or onnx.");
        }

        if (OnnxOpset < 1)
        {
            return ValidationResult.Error($"--onnx_opset {OnnxOpset} is not an ONNX opset; the seed uses 11.");
        }

        return Declared(out _, out var error) ? ValidationResult.Success() : ValidationResult.Error(error!);
    }

    /// <summary>
    /// The inputs the flags declare: names, types and shapes zipped in order. PyTorch needs all three; for ONNX they
    /// are optional checks (a missing type or shape takes the model's).
    /// </summary>
    public bool Declared(out IReadOnlyList<TensorSpec> inputs, out string? error)
    {
        inputs = [];
        error = null;
        var names = List(InputNames);
        var types = List(InputTypes);
        IReadOnlyList<long[]> shapes = [];
        if (InputShapes is not null && !OliveInputShapes.TryParse(InputShapes, out shapes, out error))
        {
            return false;
        }

        if (IsPyTorch && (names.Count == 0 || types.Count == 0 || shapes.Count == 0))
        {
            error = "A PyTorch model needs --input_names, --input_types and --input_shapes, one entry per argument of its forward() in order, " +
                    "e.g. --input_names input_ids --input_types int64 --input_shapes \"[[-1,256]]\".";
            return false;
        }

        if (names.Count == 0 && (types.Count > 0 || shapes.Count > 0))
        {
            error = "--input_types and --input_shapes need --input_names, which say whose types and shapes they are.";
            return false;
        }

        if ((types.Count > 0 && types.Count != names.Count) || (shapes.Count > 0 && shapes.Count != names.Count))
        {
            error = $"--input_names gives {names.Count} input(s) ({string.Join(", ", names)}), but --input_types gives {types.Count} type(s) and " +
                    $"--input_shapes {shapes.Count} shape(s): give one of each per input.";
            return false;
        }

        var bad = types.Where(t => !PyTorchDataTypes.TryNormalize(t, out _)).ToList();
        if (bad.Count > 0)
        {
            error = $"--input_types {string.Join(", ", bad)} {(bad.Count == 1 ? "is not a type" : "are not types")} a model input can have: {PyTorchDataTypes.Accepted}.";
            return false;
        }

        inputs = names.Select((name, i) => new TensorSpec(
            name,
            types.Count > 0 && PyTorchDataTypes.TryNormalize(types[i], out var type) ? type : "",
            shapes.Count > 0 ? shapes[i] : [])).ToList();
        return true;
    }

    public IReadOnlyList<string> Outputs => List(OutputNames);

    private static List<string> List(string? text) =>
        text?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList() ?? [];
}
