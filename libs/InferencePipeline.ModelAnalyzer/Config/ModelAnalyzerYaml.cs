using System.Globalization;
using InferencePipeline.Contracts;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace InferencePipeline.ModelAnalyzer.Config;

/// <summary>
/// Reads Model Analyzer's YAML (the <c>profile</c> and <c>analyze</c> files share one set of keys). Keys it does
/// not know are reported as warnings, each by its path; a value of the wrong type or out of range is a
/// <see cref="ModelAnalyzerConfigException"/> with the key's path, its line and what was expected.
/// Relative paths are resolved against <c>baseDirectory</c> (the directory the command runs in, as Model Analyzer does).
/// </summary>
public static class ModelAnalyzerYaml
{
    /// <summary>Reads <paramref name="path"/>; a missing or unreadable file is an error naming it.</summary>
    public static ModelAnalyzerConfig Load(string path, string baseDirectory, ICollection<string> warnings)
    {
        var full = Path.GetFullPath(path, baseDirectory);
        string text;
        try
        {
            text = File.ReadAllText(full);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new ModelAnalyzerConfigException(full, "", 0, "the file does not exist; give -f the path of a Model Analyzer YAML file.", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ModelAnalyzerConfigException(full, "", 0, $"the file cannot be read ({e.Message}); check its permissions.", e);
        }

        return Parse(text, full, baseDirectory, warnings);
    }

    public static ModelAnalyzerConfig Parse(string text, string source, string baseDirectory, ICollection<string> warnings)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            throw new ModelAnalyzerConfigException(source, "", (int)e.Start.Line, $"not valid YAML: {e.Message}", e);
        }

        if (stream.Documents.Count == 0 || YamlNodeReader.IsNull(stream.Documents[0].RootNode))
        {
            throw new ModelAnalyzerConfigException(source, "", 0, "the file is empty; it needs at least 'profile_models' or 'analysis_models'.");
        }

        var reader = new YamlNodeReader(source, warnings);
        var root = stream.Documents[0].RootNode;
        var state = new ModelAnalyzerYamlReader(reader, baseDirectory) { Config = new ModelAnalyzerConfig { Source = source } };
        reader.ReadMapping(root, "", state.TopLevelHandlers(), "the Model Analyzer config");
        return state.Finish(root);
    }
}
