using System.Globalization;
using InferencePipeline.ModelRepository;

namespace InferencePipeline.Deployer;

/// <summary>
/// The model.onnx a chosen config serves: the profiler's output repository holds each config as a Triton
/// entry, config.pbtxt beside <c>&lt;version&gt;/model.onnx</c> (a link to the tuned model), as Model
/// Analyzer's output repository does; the highest version is the one Triton serves.
/// </summary>
public static class DeployedModelFiles
{
    public static string ModelFor(string configPath)
    {
        var entry = Path.GetDirectoryName(Path.GetFullPath(configPath))!;
        var versions = ModelRepositoryLayout.Versions(entry);
        for (var i = versions.Count - 1; i >= 0; i--)
        {
            var candidate = Path.Combine(entry, versions[i].ToString(CultureInfo.InvariantCulture), ModelRepositoryLayout.ModelFileName);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException(
            $"The config's entry {entry} has no <version>/{ModelRepositoryLayout.ModelFileName}: the profiler's output repository is incomplete; re-run profiling.");
    }
}
