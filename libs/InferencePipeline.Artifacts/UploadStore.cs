using System.Security.Cryptography;

namespace InferencePipeline.Artifacts;

/// <summary>
/// Files handed to the system over HTTP (models, input data), kept in the artifact store by content:
/// <c>artifacts/&lt;folder&gt;/&lt;sha256&gt;/&lt;file name&gt;</c>. The bytes are streamed to a temporary file while they are
/// hashed and counted (never held in memory), checked there when the caller has a check, then moved into place, so a
/// reader never sees half a file or one that failed its check, and the same file uploaded twice is stored once.
/// </summary>
public sealed class UploadStore(ArtifactStore store)
{
    public const string ModelsFolder = "models";
    public const string InputDataFolder = "input-data";
    private const string Incoming = ".incoming";

    /// <summary>Stores <paramref name="content"/> as <paramref name="fileName"/> under <paramref name="folder"/>; the name must already be checked (one safe segment).</summary>
    /// <param name="check">
    /// Reads the complete file at the path it is given before it is kept, and throws <see cref="InvalidDataException"/>
    /// (naming the problem) to refuse it; null keeps any content.
    /// </param>
    /// <exception cref="UploadTooLargeException">More than <paramref name="maxBytes"/> arrived; nothing is kept.</exception>
    /// <exception cref="InvalidDataException">The content is empty, or <paramref name="check"/> refused it; nothing is kept.</exception>
    public async Task<StoredUpload> StoreAsync(
        Stream content, string folder, string fileName, long maxBytes, Func<string, CancellationToken, Task>? check, CancellationToken ct)
    {
        ArtifactPath.EnsureSafeSegment(folder);
        ArtifactPath.EnsureSafeSegment(fileName);
        var incoming = Directory.CreateDirectory(Path.Combine(store.Root, folder, Incoming)).FullName;
        var temp = Path.Combine(incoming, Guid.NewGuid().ToString("N") + ".part");
        try
        {
            var (sha256, bytes) = await CopyHashingAsync(content, temp, maxBytes, ct);
            if (bytes == 0)
            {
                throw new InvalidDataException("The upload is empty: send the file's bytes.");
            }

            if (check is not null)
            {
                await check(temp, ct);
            }

            var uri = $"{ArtifactStore.Scheme}{folder}/{sha256}/{fileName}";
            var path = store.PathFor(uri);
            if (!File.Exists(path))
            {
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                try
                {
                    File.Move(temp, path);
                }
                catch (IOException) when (File.Exists(path))
                {
                    // The same bytes under the same name arrived at the same time: one copy is enough.
                }
            }

            return new StoredUpload(uri, sha256, bytes);
        }
        finally
        {
            if (File.Exists(temp))
            {
                File.Delete(temp);
            }
        }
    }

    private static async Task<(string Sha256, long Bytes)> CopyHashingAsync(Stream content, string temp, long maxBytes, CancellationToken ct)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[1 << 16];
        long total = 0;
        await using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true))
        {
            int read;
            while ((read = await content.ReadAsync(buffer, ct)) > 0)
            {
                total += read;
                if (total > maxBytes)
                {
                    throw new UploadTooLargeException(maxBytes);
                }

                hash.AppendData(buffer, 0, read);
                await file.WriteAsync(buffer.AsMemory(0, read), ct);
            }
        }

        return (Convert.ToHexStringLower(hash.GetHashAndReset()), total);
    }
}
