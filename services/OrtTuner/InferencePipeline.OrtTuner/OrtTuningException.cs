namespace InferencePipeline.OrtTuner;

/// <summary>Tuning cannot start or go on (bad inputs, a model that does not run at ONNX Runtime's defaults); the message says what to do.</summary>
public sealed class OrtTuningException(string message, Exception? inner = null) : Exception(message, inner);
