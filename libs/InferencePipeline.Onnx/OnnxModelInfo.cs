using InferencePipeline.Contracts;

namespace InferencePipeline.Onnx;

/// <summary>
/// What a model file declares: its inputs and outputs (KServe datatype names; -1 for symbolic or unknown dims),
/// the default-domain opset it was written for, and the producer (exporter) name.
/// </summary>
public sealed record OnnxModelInfo(
    IReadOnlyList<TensorSpec> Inputs,
    IReadOnlyList<TensorSpec> Outputs,
    long OpsetVersion,
    string ProducerName);
