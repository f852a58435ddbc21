namespace InferencePipeline.Artifacts;

/// <summary>A file kept by <see cref="UploadStore"/>: its artifact URI, its SHA-256 (hex) and its size.</summary>
public sealed record StoredUpload(string Uri, string Sha256, long Bytes);
