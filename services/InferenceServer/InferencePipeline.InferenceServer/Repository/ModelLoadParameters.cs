using System.Text;
using Inference;

namespace InferencePipeline.InferenceServer.Repository;

/// <summary>
/// Collects the parameters of one load request (gRPC RepositoryModelLoad or REST
/// <c>POST /v2/repository/models/{name}/load</c>) once each surface has taken them off its wire form, and
/// applies Triton's rules to them in one place: "config" is the whole ModelConfig as JSON; "file:&lt;path&gt;"
/// is the content of one file of the model directory; files need the config; no path may leave the directory.
/// </summary>
internal sealed class ModelLoadParameters(string modelName)
{
    public const string ConfigParameter = ModelControl.OverrideConfigParameter;
    public const string FilePrefix = "file:";

    private readonly Dictionary<string, byte[]> _files = new(StringComparer.Ordinal);
    private ModelConfig? _config;

    public static bool IsFile(string key) => key.StartsWith(FilePrefix, StringComparison.Ordinal);

    public void AddConfig(string json) => _config = ModelControl.ParseOverride(modelName, json);

    /// <summary>Adds "file:&lt;path&gt;"; refuses a path that is empty, absolute or climbs out of the model directory.</summary>
    public void AddFile(string key, byte[] content)
    {
        var path = key[FilePrefix.Length..];
        var segments = path.Split('/');
        if (path.Length == 0 || path.Contains('\\', StringComparison.Ordinal) || path.Contains('\0', StringComparison.Ordinal)
            || Path.IsPathRooted(path) || segments.Any(s => s is "" or "." or ".." || s.Contains(':', StringComparison.Ordinal)))
        {
            throw InferenceException.Invalid(
                $"failed to load '{modelName}': invalid file override '{key}': the path must be relative to the model directory " +
                "('file:<version>/<file>') and may not be empty, absolute, or contain '.', '..', ':' or '\\' parts");
        }
        _files[string.Join('/', segments)] = content;
    }

    /// <summary>The override the parameters describe, or null when they hold neither a config nor files.</summary>
    public ModelOverride? Build()
    {
        if (_files.Count > 0 && _config is null)
        {
            // Without a config nothing says which files form the model; Triton refuses the same way.
            throw InferenceException.Invalid(
                $"failed to load '{modelName}': file override parameters ({Describe(_files.Keys)}) need the '{ConfigParameter}' parameter " +
                "holding the model's config as JSON");
        }
        return _config is null ? null : new ModelOverride(_config, _files);
    }

    private static string Describe(IEnumerable<string> paths)
    {
        var text = new StringBuilder();
        foreach (var path in paths.Order(StringComparer.Ordinal))
        {
            text.Append(text.Length == 0 ? "" : ", ").Append('\'').Append(FilePrefix).Append(path).Append('\'');
        }
        return text.ToString();
    }
}
