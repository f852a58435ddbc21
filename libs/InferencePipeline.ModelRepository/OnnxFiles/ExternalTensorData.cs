namespace InferencePipeline.ModelRepository.OnnxFiles;

/// <summary>
/// One tensor whose bytes live outside the model file (ONNX external data): the file it names, relative to the
/// model's folder, and where in it. <see cref="Length"/> is null when the model leaves it to the file's end.
/// </summary>
public sealed record ExternalTensorData(string TensorName, string Location, long Offset, long? Length);
