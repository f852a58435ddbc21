namespace InferencePipeline.Artifacts;

/// <summary>
/// Where a user's model (or other input file, such as real input data) comes from. The pipeline accepts a local path,
/// a <c>file://</c> URI or an artifact URI; other schemes (blob storage, model hubs) are refused with a message naming
/// the accepted forms.
/// </summary>
public static class ModelSource
{
    /// <param name="what">What the file is, for messages: "model", "input data".</param>
    public static string ResolveLocalPath(string modelUri, ArtifactStore store, string what = "model")
    {
        string title = char.ToUpperInvariant(what[0]) + what[1..];
        if (string.IsNullOrWhiteSpace(modelUri))
        {
            throw new FileNotFoundException($"No {what} URI was given.");
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
                throw new NotSupportedException($"{title} URI '{modelUri}' uses scheme '{uri.Scheme}'; only local paths, file:// and artifacts/ URIs are supported.");
            }

            path = uri.LocalPath;
        }
        else
        {
            path = Path.GetFullPath(modelUri);
        }

        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{title} file '{modelUri}' does not exist (looked at {path}).", path);
        }

        return path;
    }
}
