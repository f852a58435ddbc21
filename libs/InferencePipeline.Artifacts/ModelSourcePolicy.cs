namespace InferencePipeline.Artifacts;

/// <summary>
/// Which files a pipeline may read, its model and its input data alike (<see cref="PipelineFileKind"/>): a file in the
/// artifact store (an <c>artifacts/...</c> URI, as <c>POST /models</c> and <c>POST /input-data</c> answer) or a file under
/// one of <see cref="ModelIntakeOptions.AllowedRoots"/>; nothing else on the service's disk. Inside means inside after
/// every symbolic link is followed (<see cref="RealPath"/>), so a link in a root that points out of it counts as outside.
/// The HTTP API checks a request with it before queueing, and each stage that opens such a file (the converter the model;
/// the tuner, profiler and deployer the input data) checks again, since a message can come from anywhere on the bus.
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
    /// The real path of the file <paramref name="uri"/> names, once it is allowed and exists; open this path, not the
    /// URI's, so what was checked is what is read.
    /// </summary>
    /// <param name="kind">What the file is (the model unless said), for the messages and the way in they name.</param>
    /// <exception cref="ModelSourceException">The URI names a file outside the store and the allowed roots.</exception>
    /// <exception cref="FileNotFoundException">No file is there.</exception>
    /// <exception cref="ArgumentException">The URI is malformed (NUL, an artifact URI with '..').</exception>
    /// <exception cref="NotSupportedException">The URI's scheme is not file.</exception>
    public string Resolve(string uri, PipelineFileKind? kind = null)
    {
        kind ??= PipelineFileKind.Model;
        return ModelSource.Existing(uri, Check(uri, kind), kind);
    }

    /// <summary>What is wrong with <paramref name="uri"/> as the source of a <paramref name="kind"/> file, in words naming the fix; null when nothing is.</summary>
    /// <param name="requireArtifactExists">Whether an <c>artifacts/</c> URI must name an existing file (the store is this service's own).</param>
    /// <param name="kind">What the file is (the model unless said).</param>
    public string? Problem(string uri, bool requireArtifactExists, PipelineFileKind? kind = null)
    {
        kind ??= PipelineFileKind.Model;
        try
        {
            var real = Check(uri, kind);
            return requireArtifactExists && uri.StartsWith(ArtifactStore.Scheme, StringComparison.Ordinal) && !File.Exists(real)
                ? $"No {kind.Noun} is stored at '{uri}': upload it with {kind.UploadRoute} and use the {kind.UriField} it answers."
                : null;
        }
        catch (Exception e) when (e is ModelSourceException or ArtifactUriException or ArgumentException or NotSupportedException or FileNotFoundException or IOException)
        {
            return e.Message;
        }
    }

    private string Check(string uri, PipelineFileKind kind)
    {
        var path = ModelSource.LocalPathOf(uri, _store, kind);
        var real = RealPath.Of(path);
        if (uri.StartsWith(ArtifactStore.Scheme, StringComparison.Ordinal))
        {
            return RealPath.IsInside(real, RealPath.Of(_store.Root))
                ? real
                : throw new ModelSourceException($"Artifact URI '{uri}' resolves to '{real}', outside the artifact store; use the {kind.UriField} {kind.UploadRoute} answers.");
        }

        if (_roots.Any(root => RealPath.IsInside(real, root)))
        {
            return real;
        }

        var through = real == Path.GetFullPath(path) ? "" : $" (it resolves to '{real}' through a symbolic link)";
        var roots = _roots.Count == 0 ? "none are configured" : string.Join(", ", _roots);
        throw new ModelSourceException(
            $"{kind.Title} '{uri}' is outside the allowed model roots{through}; allowed roots: {roots}. Upload the {kind.Noun} with {kind.UploadRoute} " +
            $"(inferpipe run does) and use the artifacts/ URI it answers, or add its directory to {ModelIntakeOptions.Section}:AllowedRoots.");
    }
}
