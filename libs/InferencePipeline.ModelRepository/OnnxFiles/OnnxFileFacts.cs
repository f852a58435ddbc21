namespace InferencePipeline.ModelRepository.OnnxFiles;

/// <summary>
/// What an ONNX file's bytes say before any runtime reads it: the IR version, the default-domain opset (0 when
/// the file declares none) and every tensor kept in an external-data file.
/// </summary>
public sealed record OnnxFileFacts(long IrVersion, long DefaultOpset, IReadOnlyList<ExternalTensorData> ExternalData);
