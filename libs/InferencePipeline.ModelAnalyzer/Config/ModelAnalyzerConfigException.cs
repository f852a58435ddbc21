namespace InferencePipeline.ModelAnalyzer.Config;

/// <summary>
/// A Model Analyzer YAML file that cannot be used as written: the message names the file, the key's path
/// (<c>profile_models.bertsquad.parameters.concurrency[2]</c>), its line, what was found and what is expected.
/// </summary>
public sealed class ModelAnalyzerConfigException : Exception
{
    public ModelAnalyzerConfigException(string file, string keyPath, int line, string problem, Exception? inner = null)
        : base(Compose(file, keyPath, line, problem), inner)
    {
        File = file;
        KeyPath = keyPath;
        Line = line;
    }

    public string File { get; }

    /// <summary>Where in the file, as dotted keys and [index]es; empty for the file as a whole.</summary>
    public string KeyPath { get; }

    /// <summary>1-based line of the offending value; 0 when it has none (a missing key).</summary>
    public int Line { get; }

    private static string Compose(string file, string keyPath, int line, string problem) =>
        $"{file}: {(keyPath.Length == 0 ? "" : keyPath)}{(line > 0 ? $" (line {line})" : "")}{(keyPath.Length > 0 || line > 0 ? ": " : "")}{problem}";
}
