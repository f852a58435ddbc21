using System.Security.Cryptography;

namespace InferencePipeline.TritonProfiler.Measuring;

/// <summary>Whether two model files hold the same bytes (the tuner may keep the converter's model as is).</summary>
public static class ModelFileIdentity
{
    public static async Task<bool> SameContentAsync(string a, string b, CancellationToken cancellationToken)
    {
        if (string.Equals(Path.GetFullPath(a), Path.GetFullPath(b), StringComparison.Ordinal))
        {
            return true;
        }

        if (new FileInfo(a).Length != new FileInfo(b).Length)
        {
            return false;
        }

        var hashA = await HashAsync(a, cancellationToken);
        var hashB = await HashAsync(b, cancellationToken);
        return hashA.AsSpan().SequenceEqual(hashB);
    }

    private static async Task<byte[]> HashAsync(string path, CancellationToken cancellationToken)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true);
        return await SHA256.HashDataAsync(stream, cancellationToken);
    }
}
