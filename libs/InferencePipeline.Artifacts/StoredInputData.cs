namespace InferencePipeline.Artifacts;

/// <summary>
/// The answer of <c>POST /input-data</c>: the URI a pipeline request names as its <c>inputDataUri</c>, the file's SHA-256
/// (hex) and its size.
/// </summary>
public sealed record StoredInputData(string InputDataUri, string Sha256, long Bytes)
{
    public static StoredInputData From(StoredUpload upload) => new(upload.Uri, upload.Sha256, upload.Bytes);
}
