using InferencePipeline.Contracts;
using InferencePipeline.ModelRepository;
using InferencePipeline.ModelAnalyzer.Search;

namespace InferencePipeline.TritonProfiler.Measuring;

/// <summary>
/// The models a profile places in the server's repository: one entry per distinct model file, named
/// <c>&lt;model&gt;_&lt;first 8 of the pipeline id&gt;</c> (the tuned model, which all but the default config
/// serve) and <c>..._default</c> for the converter's model when the tuner changed the file. Every config is
/// then a load of one of these entries with a config override, not another copy of the model.
/// </summary>
public static class ProfilingEntries
{
    public static string BaseName(string modelName, Guid pipelineId) => $"{modelName}_{pipelineId.ToString("N")[..8]}";

    /// <summary>Writes the entries and returns, for each model file of <paramref name="configs"/>, the entry its configs are loaded as.</summary>
    public static async Task<IReadOnlyDictionary<string, string>> PlaceAsync(
        string repository, string modelName, Guid pipelineId, IReadOnlyList<PlannedServingConfig> configs, CancellationToken cancellationToken)
    {
        var baseName = BaseName(modelName, pipelineId);
        var placed = new List<(string ModelPath, string Entry)>();
        var entryOf = new Dictionary<string, string>();
        // The tuned model first so it gets the plain name.
        foreach (var config in configs.OrderBy(c => c.Profile.Variant == ConfigVariant.Default ? 1 : 0))
        {
            string? entry = null;
            foreach (var (path, name) in placed)
            {
                if (await ModelFileIdentity.SameContentAsync(path, config.ModelPath, cancellationToken))
                {
                    entry = name;
                    break;
                }
            }

            if (entry is null)
            {
                entry = placed.Count == 0 ? baseName
                    : config.Variant == ConfigVariant.Default ? $"{baseName}_default"
                    : $"{baseName}_{placed.Count}";
                var entryConfig = config.Config.Clone();
                entryConfig.Name = entry;
                await ModelRepositoryLayout.CreateEntryAsync(repository, entry, config.ModelPath, config.Document.WithConfig(entryConfig), 1, cancellationToken);
                placed.Add((config.ModelPath, entry));
            }

            entryOf[config.ModelPath] = entry;
        }

        return entryOf;
    }

    /// <summary>Removes the entries from the repository (after they were unloaded), so profiles leave no litter.</summary>
    public static void Remove(string repository, IEnumerable<string> entries)
    {
        foreach (var entry in entries.Distinct())
        {
            var directory = ModelRepositoryLayout.EntryDirectory(repository, entry);
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
    }
}
