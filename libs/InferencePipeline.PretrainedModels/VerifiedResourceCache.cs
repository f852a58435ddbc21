namespace InferencePipeline.PretrainedModels;

/// <summary>
/// Extracts an embedded resource to a cache file once, checking its length and SHA-256 against what this library
/// was built for. Writers go through a temp file and a rename, so concurrent processes never see a partial file;
/// a later call trusts a file of the right length (hashing 90 MB on every start would cost more than the check is worth).
/// </summary>
internal static class VerifiedResourceCache
{
    public static string Extract(string assemblyPath, string resourceName, long expectedLength, string expectedSha256, string targetPath)
    {
        var target = new FileInfo(targetPath);
        if (target.Exists && target.Length == expectedLength)
        {
            return target.FullName;
        }

        Directory.CreateDirectory(target.DirectoryName!);
        string temp = Path.Combine(target.DirectoryName!, $".{target.Name}.{Guid.NewGuid():N}.tmp");
        try
        {
            (long length, string sha) copied;
            using (var output = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 1 << 16))
            {
                copied = ManifestResourceFile.CopyTo(assemblyPath, resourceName, output);
            }

            if (copied.length != expectedLength || !string.Equals(copied.sha, expectedSha256, StringComparison.OrdinalIgnoreCase))
            {
                throw new PretrainedModelException(
                    $"resource '{resourceName}' of '{assemblyPath}' is {copied.length} bytes with SHA-256 {copied.sha}, expected " +
                    $"{expectedLength} bytes with {expectedSha256}: the package file is not the version this library was built for; restore it again");
            }

            File.Move(temp, target.FullName, overwrite: true);
            return target.FullName;
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
