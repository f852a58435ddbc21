namespace InferencePipeline.Onnx.Files;

/// <summary>
/// Copies a model as a whole: the .onnx file and its external-data files, which ONNX Runtime looks for relative to
/// the model file, so each keeps its relative location beside the copy. The data files are copied first and the
/// model file last, each through a temporary name and a rename, so a reader that sees the model sees its data.
/// </summary>
public static class OnnxModelFiles
{
    /// <param name="externalDataFiles">The model's external-data files relative to its folder (<see cref="ExternalDataFiles.Check"/>).</param>
    public static async Task CopyAsync(string sourceModel, string targetModel, IReadOnlyList<string> externalDataFiles, CancellationToken ct = default)
    {
        await CopyExternalDataAsync(sourceModel, targetModel, externalDataFiles, ct);
        await CopyFileAsync(sourceModel, targetModel, ct);
    }

    /// <summary>Only the external-data files, to where a model copied to <paramref name="targetModel"/> looks for them.</summary>
    public static async Task CopyExternalDataAsync(string sourceModel, string targetModel, IReadOnlyList<string> externalDataFiles, CancellationToken ct = default)
    {
        string sourceFolder = Path.GetDirectoryName(Path.GetFullPath(sourceModel))!;
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
