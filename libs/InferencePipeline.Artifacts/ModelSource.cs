namespace InferencePipeline.Artifacts;

/// <summary>
/// Where a user's model comes from. The pipeline accepts a local path, a <c>file://</c> URI or an
/// artifact URI; other schemes (blob storage, model hubs) are refused with a message naming the accepted forms.
/// </summary>
public static class ModelSource
{
    public static string ResolveLocalPath(string modelUri, ArtifactStore store)
    {
        if (string.IsNullOrWhiteSpace(modelUri))
        {
            throw new FileNotFoundException("No model URI was given.");
        }

        string path;
        if (modelUri.StartsWith(ArtifactStore.Scheme, StringComparison.Ordinal))
        {
            path = store.PathFor(modelUri);
        }
        else if (Uri.TryCreate(modelUri, UriKind.Absolute, out var uri) && uri.Scheme.Length > 1)
        {
            if (!uri.IsFile)
            {
                throw new NotSupportedException($"Model URI '{modelUri}' uses scheme '{uri.Scheme}'; only local paths, file:// and artifacts/ URIs are supported.");
            }

            path = uri.LocalPath;
        }
        else
        {
            path = Path.GetFullPath(modelUri);
        }

        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Model file '{modelUri}' does not exist (looked at {path}).", path);
        }

        return path;
    }
}
