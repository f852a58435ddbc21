namespace InferencePipeline.Artifacts;

/// <summary>
/// Where a user's model (or other input file, such as real input data) comes from. The pipeline accepts a local path,
/// a <c>file://</c> URI or an artifact URI; other schemes (blob storage, model hubs) are refused with a message naming
/// the accepted forms.
/// Which of those a service may read is <see cref="ModelSourcePolicy"/>'s decision.
/// </summary>
public static class ModelSource
{
    /// <summary>The local path of the model file <paramref name="modelUri"/> names, once a file is there.</summary>
    public static string ResolveLocalPath(string modelUri, ArtifactStore store) =>
        Existing(modelUri, LocalPathOf(modelUri, store, PipelineFileKind.Model), PipelineFileKind.Model);

    /// <summary><paramref name="path"/>, the one <paramref name="uri"/> names, once a file is there; else an error naming both.</summary>
    /// <exception cref="FileNotFoundException">No file is there.</exception>
    public static string Existing(string uri, string path, PipelineFileKind kind) =>
        File.Exists(path) ? path : throw new FileNotFoundException($"{kind.Title} file '{uri}' does not exist (looked at {path}).", path);

    /// <summary>The local path <paramref name="modelUri"/> names, absolute and as written, whether or not a file is there.</summary>
    /// <param name="kind">What the file is, for messages.</param>
    public static string LocalPathOf(string modelUri, ArtifactStore store, PipelineFileKind kind)
    {
        if (string.IsNullOrWhiteSpace(modelUri))
        {
            throw new FileNotFoundException($"No {kind.Noun} URI was given.");
        }

        if (modelUri.Contains('\0'))
        {
            throw new ArgumentException($"{kind.Title} URI '{modelUri.Replace("\0", "\\0")}' contains a NUL character.", nameof(modelUri));
        }

        if (modelUri.StartsWith(ArtifactStore.Scheme, StringComparison.Ordinal))
        {
            return store.PathFor(modelUri);
        }

        // A rooted path is a path: .NET would also read "/a/b" as a file URI, and remove its '..' segments as URIs do.
        if (!Path.IsPathRooted(modelUri) && Uri.TryCreate(modelUri, UriKind.Absolute, out var uri) && uri.Scheme.Length > 1)
        {
            if (!uri.IsFile)
            {
                throw new NotSupportedException($"{kind.Title} URI '{modelUri}' uses scheme '{uri.Scheme}'; only local paths, file:// and artifacts/ URIs are supported.");
            }

            return uri.LocalPath;
        }

        // Not Path.GetFullPath: it would apply '..' before links are followed, where the OS applies it after.
        return Path.IsPathRooted(modelUri) ? modelUri : Path.Combine(Directory.GetCurrentDirectory(), modelUri);
    }
}
