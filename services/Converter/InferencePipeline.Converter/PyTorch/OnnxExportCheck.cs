using InferencePipeline.Contracts;
using InferencePipeline.KServe;
using InferencePipeline.Onnx;
using Microsoft.ML.OnnxRuntime;

namespace InferencePipeline.Converter.PyTorch;

/// <summary>
/// Accepts an exported model only if ONNX Runtime, on the very inputs PyTorch ran, gives PyTorch's outputs:
/// same shapes and max |diff| within the tolerance, for every check. The first check is the export's own
/// example; the later ones use another batch size and other open-dimension sizes, so a batch or sequence
/// size the trace fixed by mistake fails here instead of in serving.
/// </summary>
public static class OnnxExportCheck
{
    /// <summary>Max |diff| per output name, the largest over all checks.</summary>
    public static IReadOnlyDictionary<string, double> Run(
        string onnxPath, IReadOnlyList<ExportScriptResult.Check> checks, string workDir, double tolerance, ICollection<string> notes)
    {
        var worst = new Dictionary<string, double>(StringComparer.Ordinal);
        using var session = CreateSession(onnxPath);
        var sessionInputs = session.InputNames.ToHashSet(StringComparer.Ordinal);
        for (int c = 0; c < checks.Count; c++)
        {
            var check = checks[c];
            var unused = check.Inputs.Where(i => !sessionInputs.Contains(i.Name)).Select(i => i.Name).ToList();
            if (c == 0 && unused.Count > 0)
            {
                notes.Add($"the model does not use input(s) {string.Join(", ", unused)}, so the exported graph has none by that name");
            }

            var inputs = check.Inputs.Where(i => sessionInputs.Contains(i.Name)).ToList();
            var outputNames = check.Outputs.Select(o => o.Name).ToList();
            var values = inputs.Select(i => TensorBytes.ToOrtValue(i.Datatype, [.. i.Shape], File.ReadAllBytes(Path.Combine(workDir, i.File)))).ToList();
            try
            {
                using var options = new RunOptions();
                IDisposableReadOnlyCollection<OrtValue> results;
                try
                {
                    results = session.Run(options, inputs.Select(i => i.Name).ToList(), values, outputNames);
                }
                catch (OnnxRuntimeException e)
                {
                    throw c == 0
                        ? new PyTorchExportException(PyTorchExportError.OnnxRuntimeRejected,
                            $"ONNX Runtime cannot run the exported model on the inputs PyTorch ran ({Describe(check)}): {FirstLine(e.Message)}. " +
                            "Try another --onnx_opset; the export itself reported no error.", inner: e)
                        : BrokenAxis(check, $"ONNX Runtime fails on them: {FirstLine(e.Message)}", e);
                }

                using (results)
                {
                    for (int o = 0; o < outputNames.Count; o++)
                    {
                        var expected = check.Outputs[o];
                        var actual = results[o];
                        long[] actualShape = actual.GetTensorTypeAndShape().Shape;
                        if (!actualShape.SequenceEqual(expected.Shape))
                        {
                            string why = $"output '{expected.Name}' has shape [{string.Join(",", actualShape)}] where PyTorch gives [{string.Join(",", expected.Shape)}]";
                            throw c == 0
                                ? new PyTorchExportException(PyTorchExportError.OutputMismatch,
                                    $"The exported model does not match PyTorch: {why} at batch {check.Batch}. Export with another --onnx_opset or report the model's operator.")
                                : BrokenAxis(check, why, null);
                        }

                        double diff = Compare(expected, actual, workDir);
                        if (!(diff <= tolerance))
                        {
                            throw new PyTorchExportException(PyTorchExportError.OutputMismatch,
                                $"The exported model does not match PyTorch: output '{expected.Name}' differs by up to {diff:G3} (tolerance {tolerance:G3}) " +
                                $"at batch {check.Batch} ({Describe(check)}). An operator exports inexactly at this opset: try another --onnx_opset, " +
                                $"or raise {PyTorchExportOptions.Section}:Tolerance if this difference is acceptable.");
                        }

                        worst[expected.Name] = Math.Max(diff, worst.GetValueOrDefault(expected.Name));
                    }
                }
            }
            finally
            {
                foreach (var value in values)
                {
                    value.Dispose();
                }
            }
        }

        return worst;
    }

    private static InferenceSession CreateSession(string onnxPath)
    {
        try
        {
            // ORT's default settings: the check judges the model as the baseline serving config will run it.
            return OrtSessionFactory.Create(onnxPath, OrtSettings.Default);
        }
        catch (InvalidModelException e)
        {
            throw new PyTorchExportException(PyTorchExportError.OnnxRuntimeRejected,
                $"ONNX Runtime cannot load the exported model ({FirstLine(e.Message)}). Try another --onnx_opset.", inner: e);
        }
    }

    /// <summary>
    /// Both sides as floats through the same conversion of raw bytes; types without one (INT8, INT16) must be
    /// equal byte for byte, else they count as infinitely apart.
    /// </summary>
    private static double Compare(ExportScriptResult.Tensor expected, OrtValue actual, string workDir)
    {
        byte[] reference = File.ReadAllBytes(Path.Combine(workDir, expected.File));
        ReadOnlySpan<byte> onnx = actual.GetTensorMutableRawData(); // raw bytes whatever the element type
        string onnxType = TensorDataType.FromOnnx((int)actual.GetTensorTypeAndShape().ElementDataType)?.Name ?? "unknown";
        try
        {
            return OutputComparer.MaxAbsDiff(TensorBytes.ToFloats(expected.Datatype, reference), TensorBytes.ToFloats(onnxType, onnx));
        }
        catch (NotSupportedException)
        {
            return expected.Datatype == onnxType && onnx.SequenceEqual(reference) ? 0 : double.PositiveInfinity;
        }
    }

    private static PyTorchExportException BrokenAxis(ExportScriptResult.Check check, string why, Exception? inner) =>
        new(PyTorchExportError.DynamicAxisBroken,
            $"The exported model does not work at batch {check.Batch} ({Describe(check)}): {why}. The model fixes a size declared open (-1), " +
            "e.g. a traced view/reshape with a constant size: trace or script it so the size stays symbolic, or declare that size in the input shapes.",
            inner: inner);

    private static string Describe(ExportScriptResult.Check check) =>
        string.Join(", ", check.Inputs.Select(i => $"{i.Name} {i.Datatype} [{string.Join(",", i.Shape)}]"));

    private static string FirstLine(string text) => text.Split('\n', 2)[0].Trim();
}
