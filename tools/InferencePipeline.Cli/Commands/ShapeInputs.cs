using InferencePipeline.Contracts;
using InferencePipeline.Converter;
using InferencePipeline.Converter.PyTorch;
using InferencePipeline.Onnx;

namespace InferencePipeline.Cli.Commands;

/// <summary>
/// Turns <c>demo</c>/<c>run</c>'s perf_analyzer-style <c>--shape NAME:D1,D2</c> into the request's declared inputs.
/// For an ONNX model the name and datatype come from the model and the batch dim is prepended where the model
/// batches (<c>input_ids:128</c> on an INT64 [-1,-1] input is INT64 [-1,128]); for a PyTorch model, whose file does
/// not say, the types come from <c>--input-types</c> in the same order and the shapes get a dynamic batch dim.
/// </summary>
public static class ShapeInputs
{
    /// <returns>The declared inputs, empty when no --shape is given; null with <paramref name="error"/> when they do not fit the model.</returns>
    public static IReadOnlyList<TensorSpec>? From(PipelineRequestSettings settings, string modelPath, out string? error)
    {
        error = null;
        ShapeList.TryParse(settings.Shapes, out var parsed, out _);
        var shapes = settings.Shapes.Select(spec => spec[..spec.LastIndexOf(':')]).Distinct().Select(name => (Name: name, Dims: parsed![name])).ToList();
        var types = settings.InputTypes?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [];
        var format = ModelFormatDecision.Resolve(ModelFormat.Auto, modelPath);
        if (format is ModelFormat.TorchScript or ModelFormat.PyTorch)
        {
            return ForPyTorch(shapes, types, out error);
        }

        if (types.Length > 0)
        {
            error = "--input-types is for PyTorch models, whose files do not say their input types; an ONNX model has its own.";
            return null;
        }

        if (shapes.Count == 0)
        {
            return [];
        }

        OnnxModelInfo model;
        try
        {
            model = OnnxModelInspector.Inspect(modelPath);
        }
        catch (InvalidModelException e)
        {
            error = $"--shape needs the model's inputs, but the model cannot be read here: {e.Message}";
            return null;
        }

        bool batches = BaselineEntry.MaxBatchSizeFor(model, 1) > 0;
        var inputs = new List<TensorSpec>();
        foreach (var (name, dims) in shapes)
        {
            var input = model.Inputs.FirstOrDefault(i => i.Name == name);
            if (input is null)
            {
                error = $"--shape {name}: the model has no input '{name}' (its inputs: {string.Join(", ", model.Inputs.Select(i => i.Name))}).";
                return null;
            }

            int rank = input.Shape.Count - (batches ? 1 : 0);
            if (dims.Length != rank)
            {
                error = $"--shape {name}:{string.Join(",", dims)} gives {dims.Length} size(s), but '{name}' has {rank} dimension(s) " +
                        $"{(batches ? "besides the batch " : "")}([{string.Join(",", input.Shape)}]).";
                return null;
            }

            inputs.Add(input with { Shape = batches ? [-1, .. dims] : dims });
        }

        return inputs;
    }

    private static IReadOnlyList<TensorSpec>? ForPyTorch(List<(string Name, long[] Dims)> shapes, string[] types, out string? error)
    {
        error = null;
        if (shapes.Count == 0 && types.Length == 0)
        {
            return []; // the converter says what a PyTorch model needs
        }

        if (types.Length != shapes.Count)
        {
            error = $"A PyTorch model needs one --input-types entry per --shape, in order: {shapes.Count} --shape and {types.Length} type(s) given.";
            return null;
        }

        var inputs = new List<TensorSpec>();
        for (int i = 0; i < shapes.Count; i++)
        {
            if (!PyTorchDataTypes.TryNormalize(types[i], out var type))
            {
                error = $"--input-types '{types[i]}' is not one of {PyTorchDataTypes.Accepted}.";
                return null;
            }

            inputs.Add(new TensorSpec(shapes[i].Name, type, [-1, .. shapes[i].Dims]));
        }

        return inputs;
    }
}
