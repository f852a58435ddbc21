using InferencePipeline.ModelRepository;

namespace InferencePipeline.TritonProfiler.Configs;

/// <summary>The model.onnx a config.pbtxt serves: the one in its entry's highest version directory, as Triton picks it.</summary>
public static class RepositoryEntryModel
{
    public static string PathFor(string configPath)
    {
        var entry = Path.GetDirectoryName(Path.GetFullPath(configPath))!;
        var versions = ModelRepositoryLayout.Versions(entry);
        for (var i = versions.Count - 1; i >= 0; i--)
        {
            var candidate = Path.Combine(entry, versions[i].ToString(System.Globalization.CultureInfo.InvariantCulture), ModelRepositoryLayout.ModelFileName);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException(
            $"Repository entry {entry} has no <version>/{ModelRepositoryLayout.ModelFileName} next to its config.pbtxt; " +
            "the stage that wrote the config must write the model beside it.");
    }
}
