namespace InferencePipeline.Artifacts;

/// <summary>An artifact URI or name that cannot be used, with the reason.</summary>
public sealed class ArtifactUriException(string uri, string reason)
    : Exception($"Artifact URI '{uri}' is not valid: {reason}.")
{
    public string Uri { get; } = uri;
}
