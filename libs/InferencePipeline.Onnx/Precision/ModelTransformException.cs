namespace InferencePipeline.Onnx.Precision;

/// <summary>A precision transform that cannot be applied to this model; the message says why and what to do instead.</summary>
public sealed class ModelTransformException(string message, Exception? inner = null) : Exception(message, inner);
