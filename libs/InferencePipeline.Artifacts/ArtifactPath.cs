namespace InferencePipeline.Artifacts;

/// <summary>Checks on path pieces that come from messages (model names, stage names): one segment, no traversal.</summary>
public static class ArtifactPath
{
    public static void EnsureSafeSegment(string segment)
    {
        if (string.IsNullOrWhiteSpace(segment) || segment is "." or ".." ||
            segment.IndexOfAny(['/', '\\', '\0']) >= 0)
        {
            throw new ArtifactUriException(segment, "a name used in an artifact path must be one non-empty segment without '/', '\\' or '..'");
        }
    }
}
