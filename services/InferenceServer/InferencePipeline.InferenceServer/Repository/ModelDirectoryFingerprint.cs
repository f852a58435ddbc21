using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace InferencePipeline.InferenceServer.Repository;

/// <summary>
/// What a repository entry looks like on disk, reduced to a hash of every file's relative path, size and
/// last-write time: poll mode reloads a model when this changes, as Triton does when a model's files do.
/// Names starting with '.' are left out, so the temp files of a writer that renames into place (ours do)
/// do not trigger reloads of their own.
/// </summary>
internal static class ModelDirectoryFingerprint
{
    public static string Of(string modelDirectory)
    {
        var listing = new StringBuilder();
        try
        {
            var files = new DirectoryInfo(modelDirectory)
                .EnumerateFiles("*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0, IgnoreInaccessible = true })
                .Select(f => (Relative: Path.GetRelativePath(modelDirectory, f.FullName), File: f))
                .Where(f => !f.Relative.Split(Path.DirectorySeparatorChar).Any(part => part.StartsWith('.')))
                .OrderBy(f => f.Relative, StringComparer.Ordinal);
            foreach (var (relative, file) in files)
            {
                listing.Append(relative).Append('\0')
                    .Append(file.Length.ToString(CultureInfo.InvariantCulture)).Append('\0')
                    .Append(file.LastWriteTimeUtc.Ticks.ToString(CultureInfo.InvariantCulture)).Append('\n');
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The entry is changing under us (a file removed mid-listing): a fingerprint that matches nothing
            // makes the next scan look again.
            listing.Append("unreadable:").Append(e.Message);
        }
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(listing.ToString())));
    }
}
