namespace InferencePipeline.Artifacts;

/// <summary>
/// Which models a pipeline may read: a file in the artifact store (an <c>artifacts/...</c> URI, as <c>POST /models</c>
/// answers) or a file under one of <see cref="ModelIntakeOptions.AllowedRoots"/>; nothing else on the service's disk.
/// Inside means inside after every symbolic link is followed (<see cref="RealPath"/>), so a link in a root that points
/// out of it counts as outside. The HTTP API checks a request with it before queueing, and the converter again before
/// it opens the file, since a message can come from anywhere on the bus.
/// </summary>
public sealed class ModelSourcePolicy
{
    private readonly ArtifactStore _store;
    private readonly IReadOnlyList<string> _roots;

    public ModelSourcePolicy(ArtifactStore store, IEnumerable<string> allowedRoots)
    {
        _store = store;
        _roots = allowedRoots.Where(r => !string.IsNullOrWhiteSpace(r)).Select(r => RealPath.Of(r.Trim())).Distinct().ToList();
    }

    /// <summary>The allowed roots as they are compared (links followed).</summary>
    public IReadOnlyList<string> AllowedRoots => _roots;

    /// <summary>
    /// The real path of the model file <paramref name="modelUri"/> names, once it is allowed and exists; open this path,
    /// not the URI's, so what was checked is what is read.
    /// </summary>
    /// <exception cref="ModelSourceException">The URI names a file outside the store and the allowed roots.</exception>
    /// <exception cref="FileNotFoundException">No file is there.</exception>
    /// <exception cref="ArgumentException">The URI is malformed (NUL, an artifact URI with '..').</exception>
    /// <exception cref="NotSupportedException">The URI's scheme is not file.</exception>
    public string Resolve(string modelUri)
    {
        var real = Check(modelUri);
        if (!File.Exists(real))
        {
            throw new FileNotFoundException($"Model file '{modelUri}' does not exist (looked at {real}).", real);
        }

        return real;
    }

    /// <summary>What is wrong with <paramref name="modelUri"/> as a model source, in words naming the fix; null when nothing is.</summary>
    /// <param name="requireArtifactExists">Whether an <c>artifacts/</c> URI must name an existing file (the store is this service's own).</param>
    public string? Problem(string modelUri, bool requireArtifactExists)
    {
        try
        {
            var real = Check(modelUri);
            return requireArtifactExists && modelUri.StartsWith(ArtifactStore.Scheme, StringComparison.Ordinal) && !File.Exists(real)
                ? $"No model is stored at '{modelUri}': upload it with POST /models and use the modelUri it answers."
                : null;
        }
        catch (Exception e) when (e is ModelSourceException or ArtifactUriException or ArgumentException or NotSupportedException or FileNotFoundException or IOException)
        {
            return e.Message;
        }
    }

    private string Check(string modelUri)
    {
        var path = ModelSource.LocalPathOf(modelUri, _store);
        var real = RealPath.Of(path);
        if (modelUri.StartsWith(ArtifactStore.Scheme, StringComparison.Ordinal))
        {
            return RealPath.IsInside(real, RealPath.Of(_store.Root))
                ? real
                : throw new ModelSourceException($"Artifact URI '{modelUri}' resolves to '{real}', outside the artifact store; use the modelUri POST /models answers.");
        }

        if (_roots.Any(root => RealPath.IsInside(real, root)))
        {
            return real;
        }

        var through = real == Path.GetFullPath(path) ? "" : $" (it resolves to '{real}' through a symbolic link)";
        var roots = _roots.Count == 0 ? "none are configured" : string.Join(", ", _roots);
        throw new ModelSourceException(
            $"Model '{modelUri}' is outside the allowed model roots{through}; allowed roots: {roots}. Upload the model with POST /models " +
            $"(inferpipe run does) and use the artifacts/ URI it answers, or add its directory to {ModelIntakeOptions.Section}:AllowedRoots.");
    }
}
