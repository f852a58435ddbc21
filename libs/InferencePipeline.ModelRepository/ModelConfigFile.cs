using System.Text;
using Inference;

namespace InferencePipeline.ModelRepository;

/// <summary>Reads and writes config.pbtxt files.</summary>
public static class ModelConfigFile
{
    public const string FileName = "config.pbtxt";

    /// <summary>Reads and parses a config.pbtxt; parse errors name the file, line and column.</summary>
    public static ModelConfig Read(string path)
    {
        string text = File.ReadAllText(path, Encoding.UTF8);
        return ModelConfigText.Parse(text, path);
    }

    public static async Task<ModelConfig> ReadAsync(string path, CancellationToken cancellationToken = default)
    {
        string text = await File.ReadAllTextAsync(path, Encoding.UTF8, cancellationToken).ConfigureAwait(false);
        return ModelConfigText.Parse(text, path);
    }

    /// <summary>
    /// Writes the config atomically: a temp file in the same directory, then a rename over the target, so a
    /// server polling the repository never loads a half-written config.
    /// </summary>
    public static async Task WriteAsync(string path, ModelConfig config, CancellationToken cancellationToken = default)
    {
        string text = ModelConfigText.Format(config);
        string fullPath = Path.GetFullPath(path);
        string directory = Path.GetDirectoryName(fullPath)!;
        Directory.CreateDirectory(directory);
        string temp = Path.Combine(directory, $".{Path.GetFileName(fullPath)}.{Guid.NewGuid():N}.tmp");
        try
        {
            await File.WriteAllTextAsync(temp, text, new UTF8Encoding(false), cancellationToken).ConfigureAwait(false);
            File.Move(temp, fullPath, overwrite: true);
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
