using InferencePipeline.Contracts;

namespace InferencePipeline.Onnx;

/// <summary>
/// What a model file declares: its inputs and outputs (KServe datatype names; -1 for symbolic or unknown dims),
/// the default-domain opset it was written for, and the producer (exporter) name.
/// <para><see cref="IrVersion"/>: the ONNX IR version of the file. <see cref="ExternalDataFiles"/>: the files
/// beside the model that hold some of its tensors (relative to its folder; empty when all are inline), which
/// travel with it wherever it is copied. <see cref="InputDimNames"/>: per input, the model's name for each dim
/// (its dim_param, "" where it has none), so a message about an open dim can use the model's own word.</para>
/// </summary>
public sealed record OnnxModelInfo(
    IReadOnlyList<TensorSpec> Inputs,
    IReadOnlyList<TensorSpec> Outputs,
    long OpsetVersion,
    string ProducerName,
    long IrVersion = 0,
    IReadOnlyList<string>? ExternalDataFiles = null,
    IReadOnlyDictionary<string, IReadOnlyList<string>>? InputDimNames = null)
{
    /// <summary>The model's name for dim <paramref name="axis"/> of input <paramref name="input"/>; null when it gives none.</summary>
    public string? DimName(string input, int axis) =>
        InputDimNames is not null && InputDimNames.TryGetValue(input, out var names) && axis < names.Count && names[axis].Length > 0 ? names[axis] : null;
}
