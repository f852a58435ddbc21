using InferencePipeline.InferenceServer.Execution;

namespace InferencePipeline.InferenceServer.Repository;

/// <summary>
/// Which loaded versions a statistics request covers, as Triton answers it: no name, every version of every
/// model; a name, every version of that model; a name and a version, that one.
/// </summary>
internal static class ModelStatisticsSelection
{
    public static IEnumerable<LoadedModel> Select(ModelRegistry registry, string? name, string? version)
    {
        if (string.IsNullOrEmpty(name))
        {
            return registry.Loaded;
        }
        return string.IsNullOrEmpty(version) ? registry.Versions(name) : [registry.Get(name, version)];
    }
}
