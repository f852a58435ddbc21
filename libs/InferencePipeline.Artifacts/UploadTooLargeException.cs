namespace InferencePipeline.Artifacts;

/// <summary>An upload went past the configured limit.</summary>
public sealed class ModelTooLargeException(long maxBytes)
    : Exception($"The model is larger than the upload limit of {maxBytes} bytes ({ModelIntakeOptions.Section}:MaxUploadBytes).")
{
    public long MaxBytes { get; } = maxBytes;
}
