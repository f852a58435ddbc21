using InferencePipeline.InferenceServer.Execution;

namespace InferencePipeline.InferenceServer.Repository;

/// <summary>
/// The loaded versions of one model, as its version policy chose them. Immutable: a load or reload builds a
/// new set and the registry swaps it in whole, so a request sees either the old versions or the new ones.
/// </summary>
internal sealed class ModelVersions
{
    private readonly Dictionary<string, LoadedModel> _byVersion;

    /// <param name="versions">At least one, highest version first.</param>
    public ModelVersions(IReadOnlyList<LoadedModel> versions)
    {
        if (versions.Count == 0)
        {
            throw new ArgumentException("a model needs at least one loaded version", nameof(versions));
        }
        Latest = versions[0];
        All = versions.Reverse().ToArray();
        _byVersion = versions.ToDictionary(v => v.Definition.Version, StringComparer.Ordinal);
    }

    /// <summary>The highest version: what a request without a version gets, as in Triton.</summary>
    public LoadedModel Latest { get; }

    /// <summary>Every loaded version, lowest first (the order Triton lists them in metadata and statistics).</summary>
    public IReadOnlyList<LoadedModel> All { get; }

    /// <summary>The named version, or the highest when <paramref name="version"/> is empty.</summary>
    public bool TryGet(string? version, out LoadedModel model)
    {
        if (string.IsNullOrEmpty(version))
        {
            model = Latest;
            return true;
        }
        return _byVersion.TryGetValue(version, out model!);
    }

    /// <summary>Drops the registry's reference to every version: running requests finish, then each frees itself.</summary>
    public void Retire()
    {
        foreach (var model in All)
        {
            model.Retire();
        }
    }
}
