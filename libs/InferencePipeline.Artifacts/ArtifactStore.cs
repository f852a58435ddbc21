namespace InferencePipeline.Artifacts;

/// <summary>
/// The filesystem artifact store. Artifacts travel between services as URIs of the form
/// <c>artifacts/&lt;pipeline&gt;/&lt;stage&gt;/&lt;path&gt;</c>, relative to a root every service shares
/// (a local directory now, a mounted volume in the cloud). Writes are atomic (temp file + rename) so a
/// reader never sees half a model, and no URI can name a file outside the root.
/// </summary>
public sealed class ArtifactStore
{
    public const string Scheme = "artifacts/";

    public ArtifactStore(string root)
    {
        Root = Path.GetFullPath(root);
        Directory.CreateDirectory(Root);
    }

    public string Root { get; }

    /// <summary>The URI of a file a stage of a pipeline writes.</summary>
    public static string UriFor(Guid pipelineId, string stage, params string[] parts)
    {
        foreach (var part in parts.Prepend(stage))
        {
            ArtifactPath.EnsureSafeSegment(part);
        }

        return Scheme + string.Join('/', new[] { pipelineId.ToString("N"), stage }.Concat(parts));
    }

    /// <summary>The local path of an artifact URI; refuses URIs that climb out of the root.</summary>
    public string PathFor(string uri)
    {
        if (!uri.StartsWith(Scheme, StringComparison.Ordinal))
        {
            throw new ArtifactUriException(uri, $"an artifact URI starts with '{Scheme}'");
        }

        var relative = uri[Scheme.Length..];
        if (relative.Length == 0 || relative.Split('/').Any(s => s is "" or "." or ".."))
        {
            throw new ArtifactUriException(uri, "it has an empty, '.' or '..' segment");
        }

        var full = Path.GetFullPath(Path.Combine(Root, relative));
        if (!full.StartsWith(Root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            throw new ArtifactUriException(uri, $"it points outside the artifact root {Root}");
        }

        return full;
    }

    /// <summary>The URI of a local path inside the root (the inverse of <see cref="PathFor"/>).</summary>
    public string UriForPath(string path)
    {
        var full = Path.GetFullPath(path);
        if (!full.StartsWith(Root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            throw new ArtifactUriException(path, $"it is not inside the artifact root {Root}");
        }

        return Scheme + Path.GetRelativePath(Root, full).Replace(Path.DirectorySeparatorChar, '/');
    }

    public bool Exists(string uri) => File.Exists(PathFor(uri)) || Directory.Exists(PathFor(uri));

    public Task WriteTextAsync(string uri, string text, CancellationToken ct = default) =>
        WriteAtomicallyAsync(uri, (stream, token) => new ValueTask(stream.WriteAsync(System.Text.Encoding.UTF8.GetBytes(text), token).AsTask()), ct);

    public Task WriteBytesAsync(string uri, ReadOnlyMemory<byte> bytes, CancellationToken ct = default) =>
        WriteAtomicallyAsync(uri, (stream, token) => stream.WriteAsync(bytes, token), ct);

    /// <summary>Copies a local file into the store under <paramref name="uri"/>.</summary>
    public Task CopyInAsync(string sourcePath, string uri, CancellationToken ct = default) =>
        WriteAtomicallyAsync(uri, async (stream, token) =>
        {
            await using var source = File.OpenRead(sourcePath);
            await source.CopyToAsync(stream, token);
        }, ct);

    public Task<string> ReadTextAsync(string uri, CancellationToken ct = default) => File.ReadAllTextAsync(PathFor(uri), ct);

    private async Task WriteAtomicallyAsync(string uri, Func<Stream, CancellationToken, ValueTask> write, CancellationToken ct)
    {
        var path = PathFor(uri);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temp = path + "." + Guid.NewGuid().ToString("N")[..8] + ".tmp";
        try
        {
            await using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true))
            {
                await write(stream, ct);
            }

            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp))
            {
                File.Delete(temp);
            }
        }
    }
}
