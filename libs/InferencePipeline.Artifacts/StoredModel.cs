namespace InferencePipeline.Artifacts;

/// <summary>The answer of <c>POST /models</c>: the URI to start a pipeline with, the model's SHA-256 (hex) and its size.</summary>
public sealed record StoredModel(string ModelUri, string Sha256, long Bytes)
{
    public static StoredModel From(StoredUpload upload) => new(upload.Uri, upload.Sha256, upload.Bytes);
}
