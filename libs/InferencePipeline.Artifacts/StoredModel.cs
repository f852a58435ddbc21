namespace InferencePipeline.Artifacts;

/// <summary>A model kept by <see cref="ModelUploads"/>: the URI to start a pipeline with, its SHA-256 (hex) and size.</summary>
public sealed record StoredModel(string ModelUri, string Sha256, long Bytes);
