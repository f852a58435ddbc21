namespace InferencePipeline.Artifacts;

/// <summary>An upload went past the limit it was given; nothing of it is kept.</summary>
public sealed class UploadTooLargeException(long maxBytes) : Exception($"The upload is larger than its limit of {maxBytes} bytes.")
{
    public long MaxBytes { get; } = maxBytes;
}
