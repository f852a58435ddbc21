namespace InferencePipeline.PretrainedModels;

/// <summary>
/// Where the packaged model files are at run time (the build copies them next to the application, in
/// <c>pretrained/</c>) and where extracted files are cached (per user, shared by every application and test run).
/// </summary>
public static class PackagedModelFiles
{
    public const string FolderName = "pretrained";

    /// <summary>A file the build copied from a package into <see cref="FolderName"/> under the application.</summary>
    public static string Copied(string fileName) => Path.Combine(AppContext.BaseDirectory, FolderName, fileName);

    /// <summary>
    /// The extraction cache: <c>INFERENCEPIPELINE_MODEL_CACHE</c> if set, else the user's local application data
    /// folder (<c>~/.local/share/InferencePipeline/models</c> on Linux).
    /// </summary>
    public static string DefaultCacheDirectory()
    {
        string? configured = Environment.GetEnvironmentVariable("INFERENCEPIPELINE_MODEL_CACHE");
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return configured;
        }

        string root = Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.Create);
        return Path.Combine(string.IsNullOrEmpty(root) ? Path.GetTempPath() : root, "InferencePipeline", "models");
    }

    internal static string RequireCopied(string fileName, long expectedLength, string package)
    {
        string path = Copied(fileName);
        var file = new FileInfo(path);
        if (!file.Exists)
        {
            throw new PretrainedModelException(
                $"'{path}' does not exist: it comes from the NuGet package {package} at build time; build the application " +
                "(it must reference InferencePipeline.PretrainedModels) with package restore enabled");
        }

        if (file.Length != expectedLength)
        {
            throw new PretrainedModelException(
                $"'{path}' is {file.Length} bytes, expected {expectedLength} from {package}: the file is truncated or another version; rebuild to copy it again");
        }

        return path;
    }
}
