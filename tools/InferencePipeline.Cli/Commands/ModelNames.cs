using System.Text;

namespace InferencePipeline.Cli.Commands;

/// <summary>A serving-repository-safe model name from a file name ("BERT squad.onnx" -> "bert_squad").</summary>
public static class ModelNames
{
    public static string FromPath(string path)
    {
        var stem = Path.GetFileNameWithoutExtension(path);
        var name = new StringBuilder(stem.Length);
        foreach (var c in stem.ToLowerInvariant())
        {
            name.Append(char.IsAsciiLetterOrDigit(c) || c is '_' or '-' ? c : '_');
        }

        return name.Length == 0 ? "model" : name.ToString();
    }
}
