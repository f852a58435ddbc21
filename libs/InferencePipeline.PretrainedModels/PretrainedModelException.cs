namespace InferencePipeline.PretrainedModels;

/// <summary>A packaged model that is missing, truncated or not what this library expects; the message says what to do.</summary>
public sealed class PretrainedModelException(string message, Exception? inner = null) : Exception(message, inner);
