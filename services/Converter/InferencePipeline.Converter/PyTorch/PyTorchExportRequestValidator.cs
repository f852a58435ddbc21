using InferencePipeline.Contracts;

namespace InferencePipeline.Converter.PyTorch;

/// <summary>
/// Checks a request before anything runs and normalizes it: inputs with KServe datatypes, the output names,
/// the tolerance in force. Every problem found is listed in one <see cref="PyTorchExportError.InvalidRequest"/>.
/// </summary>
public static class PyTorchExportRequestValidator
{
    public sealed record Valid(IReadOnlyList<TensorSpec> Inputs, IReadOnlyList<string> OutputNames, double Tolerance);

    public static Valid Validate(PyTorchExportRequest request, PyTorchExportOptions options)
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(request.ModelPath))
        {
            problems.Add("no model path");
        }

        if (string.IsNullOrWhiteSpace(request.OnnxPath))
        {
            problems.Add("no ONNX output path");
        }
        else if (Directory.Exists(request.OnnxPath))
        {
            problems.Add($"the ONNX output path '{request.OnnxPath}' is a folder; give the file to write, e.g. DIR/NAME/1/model.onnx");
        }

        var inputs = new List<TensorSpec>();
        if (request.Inputs is not { Count: > 0 })
        {
            problems.Add("no inputs: give the name, type and shape of each argument of the model's forward()");
        }
        else
        {
            foreach (var input in request.Inputs)
            {
                string label = string.IsNullOrWhiteSpace(input.Name) ? $"input #{inputs.Count + 1}" : $"input '{input.Name}'";
                if (string.IsNullOrWhiteSpace(input.Name))
                {
                    problems.Add($"{label} has no name");
                }

                if (!PyTorchDataTypes.TryNormalize(input.DataType, out var dataType))
                {
                    problems.Add($"{label} has type '{input.DataType}', which is not one of {PyTorchDataTypes.Accepted}");
                }

                if (input.Shape is not { Count: > 0 })
                {
                    problems.Add($"{label} has no shape: give at least the batch dimension, e.g. [-1,256]");
                }
                else if (input.Shape.Any(d => d == 0 || d < -1))
                {
                    problems.Add($"{label} has shape [{string.Join(",", input.Shape)}]: each dimension is a positive size or -1 (open)");
                }

                inputs.Add(new TensorSpec(input.Name ?? "", dataType, input.Shape ?? []));
            }

            foreach (var duplicate in inputs.GroupBy(i => i.Name, StringComparer.Ordinal).Where(g => g.Count() > 1 && g.Key.Length > 0))
            {
                problems.Add($"input name '{duplicate.Key}' is given {duplicate.Count()} times");
            }
        }

        var outputs = request.OutputNames ?? [];
        if (outputs.Any(string.IsNullOrWhiteSpace))
        {
            problems.Add("an output name is empty");
        }

        foreach (var duplicate in outputs.GroupBy(o => o, StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            problems.Add($"output name '{duplicate.Key}' is given {duplicate.Count()} times");
        }

        foreach (var clash in outputs.Intersect(inputs.Select(i => i.Name), StringComparer.Ordinal))
        {
            problems.Add($"'{clash}' names both an input and an output");
        }

        if (request.Opset < 1)
        {
            problems.Add($"opset {request.Opset} is not an ONNX opset (the seed uses 11)");
        }

        double tolerance = request.Tolerance ?? options.Tolerance;
        if (!(tolerance >= 0) || double.IsInfinity(tolerance))
        {
            problems.Add($"tolerance {tolerance} must be a finite number >= 0");
        }

        if (problems.Count > 0)
        {
            throw new PyTorchExportException(PyTorchExportError.InvalidRequest,
                $"The PyTorch export request cannot be run: {string.Join("; ", problems)}.");
        }

        return new Valid(inputs, outputs.ToList(), tolerance);
    }
}
