using System.Globalization;
using Inference;
using InferencePipeline.Contracts;
using InferencePipeline.ModelRepository.OnnxFiles;

namespace InferencePipeline.ModelRepository;

/// <summary>
/// Triton's model repository layout: <c>&lt;repo&gt;/&lt;model&gt;/config.pbtxt</c> and
/// <c>&lt;repo&gt;/&lt;model&gt;/&lt;version&gt;/model.onnx</c>, versions being positive integers.
/// Model names are validated (<see cref="ModelNames"/>) so no path leaves the repository.
/// </summary>
public static class ModelRepositoryLayout
{
    public const string ModelFileName = "model.onnx";

    public static string EntryDirectory(string repoRoot, string modelName)
    {
        ArgumentException.ThrowIfNullOrEmpty(repoRoot);
        ModelNames.Validate(modelName);
        return Path.Combine(Path.GetFullPath(repoRoot), modelName);
    }

    public static string VersionDirectory(string repoRoot, string modelName, int version)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(version, 1);
        return Path.Combine(EntryDirectory(repoRoot, modelName), version.ToString(CultureInfo.InvariantCulture));
    }

    public static string ConfigPath(string repoRoot, string modelName) =>
        Path.Combine(EntryDirectory(repoRoot, modelName), ModelConfigFile.FileName);

    public static string ModelPath(string repoRoot, string modelName, int version = 1) =>
        Path.Combine(VersionDirectory(repoRoot, modelName, version), ModelFileName);

    /// <summary>
    /// Writes one repository entry: config.pbtxt (its name set to <paramref name="modelName"/> when empty) and
    /// the ONNX file copied to <c>&lt;version&gt;/model.onnx</c>, with its external-data files beside it. Both are written to temp files and renamed,
    /// so a server scanning the repository never sees half a model. Returns the entry directory.
    /// </summary>
    public static Task<string> CreateEntryAsync(
        string repoRoot,
        string modelName,
        string onnxSourcePath,
        ModelConfig config,
        int version = 1,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(config);
        return CreateEntryAsync(repoRoot, modelName, onnxSourcePath, new ModelConfigDocument(config), version, cancellationToken);
    }

    /// <summary>As above, with the config's unknown fields written back (a stage passing on a config it read).</summary>
    public static async Task<string> CreateEntryAsync(
        string repoRoot,
        string modelName,
        string onnxSourcePath,
        ModelConfigDocument document,
        int version = 1,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(document);
        var config = document.Config;
        string entry = EntryDirectory(repoRoot, modelName);
        string versionDir = VersionDirectory(repoRoot, modelName, version);
        if (!File.Exists(onnxSourcePath))
        {
            throw new FileNotFoundException($"ONNX model '{onnxSourcePath}' for repository entry '{modelName}' does not exist", onnxSourcePath);
        }

        if (config.Name.Length > 0 && config.Name != modelName)
        {
            throw new ArgumentException(
                $"config name '{config.Name}' differs from model name '{modelName}'; Triton requires them to match", nameof(config));
        }

        var named = document;
        if (config.Name.Length == 0)
        {
            var clone = config.Clone();
            clone.Name = modelName;
            named = document.WithConfig(clone);
        }

        Directory.CreateDirectory(versionDir);
        string target = Path.Combine(versionDir, ModelFileName);
        // A model over 2 GB keeps its weights in external-data files, which must sit beside every copy.
        await OnnxModelFiles.CopyExternalDataAsync(onnxSourcePath, target, OnnxModelFiles.ExternalDataOf(onnxSourcePath), cancellationToken).ConfigureAwait(false);
        string temp = Path.Combine(versionDir, $".{ModelFileName}.{Guid.NewGuid():N}.tmp");
        try
        {
            await using (var source = new FileStream(onnxSourcePath, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true))
            await using (var destination = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true))
            {
                await source.CopyToAsync(destination, cancellationToken).ConfigureAwait(false);
            }

            File.Move(temp, target, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp))
            {
                File.Delete(temp);
            }
        }

        await ModelConfigFile.WriteAsync(Path.Combine(entry, ModelConfigFile.FileName), named, cancellationToken).ConfigureAwait(false);
        return entry;
    }

    /// <summary>
    /// Points <paramref name="link"/> at the model file <paramref name="source"/> instead of copying it: a profile's
    /// configs all serve one model, and Model Analyzer links its variants to one copy rather than copying it per config
    /// (27 copies of a 1 GB BERT otherwise). The link is relative, so the folders can move together; where links cannot
    /// be made the file is copied.
    /// </summary>
    public static void LinkModel(string source, string link)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(link)!);
        if (File.Exists(link) || new FileInfo(link).LinkTarget is not null)
        {
            File.Delete(link);
        }

        try
        {
            File.CreateSymbolicLink(link, Path.GetRelativePath(Path.GetDirectoryName(link)!, source));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or PlatformNotSupportedException)
        {
            File.Copy(source, link, overwrite: true);
        }
    }

    /// <summary>The version numbers present in an entry directory (numeric subdirectories), ascending.</summary>
    public static IReadOnlyList<int> Versions(string entryDirectory)
    {
        if (!Directory.Exists(entryDirectory))
        {
            return [];
        }

        var versions = new List<int>();
        foreach (string dir in Directory.EnumerateDirectories(entryDirectory))
        {
            string name = Path.GetFileName(dir);
            if (name.All(char.IsAsciiDigit)
                && int.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out int version)
                && version > 0)
            {
                versions.Add(version);
            }
        }

        versions.Sort();
        return versions;
    }

    /// <summary>
    /// The model.onnx the config at <paramref name="configPath"/> serves: the one in its entry's highest version
    /// directory that has one, as Triton picks it (the file a link there points to).
    /// </summary>
    /// <param name="remedy">What the reader should do when there is none (it depends on which stage wrote the entry).</param>
    /// <exception cref="FileNotFoundException">No version directory of the entry holds a model.onnx.</exception>
    public static string ServedModelPath(string configPath, string remedy)
    {
        ArgumentException.ThrowIfNullOrEmpty(configPath);
        string entry = Path.GetDirectoryName(Path.GetFullPath(configPath))!;
        var versions = Versions(entry);
        for (int i = versions.Count - 1; i >= 0; i--)
        {
            string candidate = Path.Combine(entry, versions[i].ToString(CultureInfo.InvariantCulture), ModelFileName);
            if (File.Exists(candidate))
            {
                // Through a link (Model Analyzer-style variants link one model file) to the file itself: ONNX Runtime
                // looks for external data beside the path it is given but allows only the real file's folder.
                return new FileInfo(candidate).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? candidate;
            }
        }

        throw new FileNotFoundException(
            $"Repository entry {entry} has no <version>/{ModelFileName} next to its {Path.GetFileName(configPath)}; {remedy}");
    }

    /// <summary>Names of the entries in a repository: directories with a valid model name.</summary>
    public static IReadOnlyList<string> Models(string repoRoot)
    {
        if (!Directory.Exists(repoRoot))
        {
            return [];
        }

        return Directory.EnumerateDirectories(repoRoot)
            .Select(Path.GetFileName)
            // Hidden directories (".git") fail the name rule too: they never start with a letter or digit.
            .Where(ModelNames.IsValid)
            .Select(name => name!)
            .Order(StringComparer.Ordinal)
            .ToList();
    }
}
