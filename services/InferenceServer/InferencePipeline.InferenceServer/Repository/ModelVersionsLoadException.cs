using System.Globalization;

namespace InferencePipeline.InferenceServer.Repository;

/// <summary>
/// A load in which one or more of the versions the policy selected failed. As in Triton (since 20.11), a model's
/// versions load all or none: every selected version is tried so the message names each broken one, then the ones
/// that did load are unloaded again. Carries what the registry needs to show every selected version in the index.
/// </summary>
internal sealed class ModelVersionsLoadException(string modelName, IReadOnlyList<long> selected, IReadOnlyList<VersionLoadFailure> failures)
    : Exception(Describe(modelName, failures))
{
    /// <summary>Every version the policy selected, highest first.</summary>
    public IReadOnlyList<long> Selected { get; } = selected;

    /// <summary>The selected versions that failed, lowest first; never empty.</summary>
    public IReadOnlyList<VersionLoadFailure> Failures { get; } = failures;

    /// <summary>Why <paramref name="version"/> is not served after this load: its own failure, or the others'.</summary>
    public string ReasonFor(long version) =>
        Failures.FirstOrDefault(f => f.Version == version)?.Reason
        ?? $"unloaded: version {string.Join(", ", Failures.Select(f => f.Version.ToString(CultureInfo.InvariantCulture)))} " +
           "of the same load failed, and a model's versions load all or none (as in Triton)";

    // Triton's wording ("version N is at UNAVAILABLE state: ..."), so a client that reads Triton's errors reads ours.
    private static string Describe(string modelName, IReadOnlyList<VersionLoadFailure> failures) =>
        $"failed to load '{modelName}': " +
        string.Join("; ", failures.Select(f => $"version {f.Version.ToString(CultureInfo.InvariantCulture)} is at UNAVAILABLE state: {f.Reason}"));
}
