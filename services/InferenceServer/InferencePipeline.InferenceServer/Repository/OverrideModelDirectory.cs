using Grpc.Core;

namespace InferencePipeline.InferenceServer.Repository;

/// <summary>
/// A private temp directory holding the files of a file-override load, laid out as a repository entry
/// (<c>&lt;tmp&gt;/&lt;model&gt;/1/model.onnx</c>) so the normal loader reads it. The server deletes it as soon as
/// the sessions exist: ONNX Runtime has read the model by then, and nothing else of the server looks at it.
/// </summary>
internal sealed class OverrideModelDirectory : IDisposable
{
    private readonly string _root;

    private OverrideModelDirectory(string root, string modelDirectory)
    {
        _root = root;
        ModelDirectory = modelDirectory;
    }

    /// <summary>The model's directory inside the temp root.</summary>
    public string ModelDirectory { get; }

    public static OverrideModelDirectory Write(string modelName, IReadOnlyDictionary<string, byte[]> files)
    {
        var root = Path.Combine(Path.GetTempPath(), "inferpipe-override-" + Guid.NewGuid().ToString("N"));
        var modelDirectory = Path.Combine(root, modelName);
        var directory = new OverrideModelDirectory(root, modelDirectory);
        try
        {
            var prefix = modelDirectory + Path.DirectorySeparatorChar;
            foreach (var (relative, content) in files)
            {
                var target = Path.GetFullPath(Path.Combine(modelDirectory, relative));
                // ModelLoadParameters already refused '..' and absolute paths; this is the last line should it ever miss one.
                if (!target.StartsWith(prefix, StringComparison.Ordinal))
                {
                    throw new InferenceException(StatusCode.InvalidArgument,
                        $"failed to load '{modelName}': file override '{ModelLoadParameters.FilePrefix}{relative}' points outside the model directory");
                }
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                File.WriteAllBytes(target, content);
            }
            return directory;
        }
        catch
        {
            directory.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        try
        {
            if (Directory.Exists(_root))
            {
                Directory.Delete(_root, recursive: true);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A file still mapped by ORT (Windows) cannot go yet; the OS temp cleaner takes it later.
        }
    }
}
