using System.Security.Cryptography;

namespace InferencePipeline.Artifacts;

/// <summary>
/// Models handed to the system over HTTP, kept in the artifact store by content: <c>artifacts/models/&lt;sha256&gt;/&lt;file
/// name&gt;</c>. The bytes are streamed to a temporary file while they are hashed and counted (never held in memory), then
/// moved into place, so a reader never sees half a model and the same file uploaded twice is stored once.
/// </summary>
public sealed class ModelUploads(ArtifactStore store)
{
    public const string Folder = "models";
    private const string Incoming = ".incoming";

    /// <summary>Stores <paramref name="content"/> as <paramref name="fileName"/>; its name must already be checked (one safe segment).</summary>
    /// <exception cref="ModelTooLargeException">More than <paramref name="maxBytes"/> arrived; nothing is kept.</exception>
    /// <exception cref="InvalidDataException">The content is empty.</exception>
    public async Task<StoredModel> StoreAsync(Stream content, string fileName, long maxBytes, CancellationToken ct)
    {
        ArtifactPath.EnsureSafeSegment(fileName);
        var incoming = Directory.CreateDirectory(Path.Combine(store.Root, Folder, Incoming)).FullName;
        var temp = Path.Combine(incoming, Guid.NewGuid().ToString("N") + ".part");
        try
        {
            var (sha256, bytes) = await CopyHashingAsync(content, temp, maxBytes, ct);
            if (bytes == 0)
            {
                throw new InvalidDataException("The model is empty: send the model file's bytes.");
            }

            var uri = $"{ArtifactStore.Scheme}{Folder}/{sha256}/{fileName}";
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

            return new StoredModel(uri, sha256, bytes);
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
                    throw new ModelTooLargeException(maxBytes);
                }

                hash.AppendData(buffer, 0, read);
                await file.WriteAsync(buffer.AsMemory(0, read), ct);
            }
        }

        return (Convert.ToHexStringLower(hash.GetHashAndReset()), total);
    }
}
