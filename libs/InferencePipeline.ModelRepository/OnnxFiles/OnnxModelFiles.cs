namespace InferencePipeline.ModelRepository.OnnxFiles;

/// <summary>
/// Copies a model as a whole: the .onnx file and its external-data files, which ONNX Runtime looks for relative to
/// the model file, so each keeps its relative location beside the copy. The data files are copied first and the
/// model file last, each through a temporary name and a rename, so a reader that sees the model sees its data.
/// </summary>
public static class OnnxModelFiles
{
    /// <summary>
    /// The external-data files of a model that a copy must take along: each distinct location that names an
    /// existing file inside the model's folder. Locations that do not (absolute, "..", missing) are not copied;
    /// the converter refuses such models, and ONNX Runtime says why when anything else loads one. A file that does
    /// not scan as protobuf has none.
    /// </summary>
    public static IReadOnlyList<string> ExternalDataOf(string modelPath)
    {
        OnnxFileFacts facts;
        try
        {
            facts = OnnxFileScanner.Scan(modelPath);
        }
        catch (InvalidDataException)
        {
            return [];
        }

        // A model reached through a link (the profiler links its variants to one copy) keeps its data beside the target.
        var real = new FileInfo(modelPath).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? Path.GetFullPath(modelPath);
        string folder = Path.GetDirectoryName(real)! + Path.DirectorySeparatorChar;
        return facts.ExternalData
            .Select(t => t.Location)
            .Distinct(StringComparer.Ordinal)
            .Where(location => location.Length > 0 && !Path.IsPathRooted(location) && !location.Split('/', '\\').Contains(".."))
            .Where(location => Path.GetFullPath(Path.Combine(folder, location)).StartsWith(folder, StringComparison.Ordinal)
                               && File.Exists(Path.Combine(folder, location)))
            .ToList();
    }

    /// <param name="externalDataFiles">The model's external-data files relative to its folder (<see cref="ExternalDataOf"/>, or the converter's checked list).</param>
    public static async Task CopyAsync(string sourceModel, string targetModel, IReadOnlyList<string> externalDataFiles, CancellationToken ct = default)
    {
        await CopyExternalDataAsync(sourceModel, targetModel, externalDataFiles, ct);
        await CopyFileAsync(sourceModel, targetModel, ct);
    }

    /// <summary>Only the external-data files, to where a model copied to <paramref name="targetModel"/> looks for them.</summary>
    public static async Task CopyExternalDataAsync(string sourceModel, string targetModel, IReadOnlyList<string> externalDataFiles, CancellationToken ct = default)
    {
        var real = new FileInfo(sourceModel).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? Path.GetFullPath(sourceModel);
        string sourceFolder = Path.GetDirectoryName(real)!;
        string targetFolder = Path.GetDirectoryName(Path.GetFullPath(targetModel))!;
        foreach (var file in externalDataFiles)
        {
            await CopyFileAsync(Path.Combine(sourceFolder, file), Path.Combine(targetFolder, file), ct);
        }
    }

    private static async Task CopyFileAsync(string source, string target, CancellationToken ct)
    {
        if (Path.GetFullPath(source) == Path.GetFullPath(target))
        {
            return;
        }

        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        string temp = Path.Combine(Path.GetDirectoryName(target)!, $".{Path.GetFileName(target)}.{Guid.NewGuid():N}.tmp");
        try
        {
            await using (var input = new FileStream(source, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true))
            await using (var output = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true))
            {
                await input.CopyToAsync(output, ct);
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
    }
}
