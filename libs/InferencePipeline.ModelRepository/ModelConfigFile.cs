using System.Text;
using Inference;

namespace InferencePipeline.ModelRepository;

/// <summary>
/// Reads and writes config.pbtxt files. A stage that rewrites a config it read uses the document methods, so
/// fields our ModelConfig does not declare and the user's comments survive; <see cref="Read"/> refuses such fields
/// rather than lose them.
/// </summary>
public static class ModelConfigFile
{
    public const string FileName = "config.pbtxt";

    /// <summary>Reads and parses a config.pbtxt; parse errors (an unknown field among them) name the file, line and column.</summary>
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

    /// <summary>Reads a config.pbtxt keeping its unknown fields and comments; parse errors name the file, line and column.</summary>
    public static ModelConfigDocument ReadDocument(string path)
    {
        string text = File.ReadAllText(path, Encoding.UTF8);
        return ModelConfigText.ParseDocument(text, path);
    }

    public static async Task<ModelConfigDocument> ReadDocumentAsync(string path, CancellationToken cancellationToken = default)
    {
        string text = await File.ReadAllTextAsync(path, Encoding.UTF8, cancellationToken).ConfigureAwait(false);
        return ModelConfigText.ParseDocument(text, path);
    }

    public static Task WriteAsync(string path, ModelConfig config, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(config);
        return WriteTextAsync(path, ModelConfigText.Format(config), cancellationToken);
    }

    /// <summary>Writes the config with its unknown fields back in their blocks and its comments at their fields.</summary>
    public static Task WriteAsync(string path, ModelConfigDocument document, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(document);
        return WriteTextAsync(path, ModelConfigText.Format(document), cancellationToken);
    }

    /// <summary>
    /// Writes atomically: a temp file in the same directory, then a rename over the target, so a server
    /// polling the repository never loads a half-written config.
    /// </summary>
    private static async Task WriteTextAsync(string path, string text, CancellationToken cancellationToken)
    {
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
