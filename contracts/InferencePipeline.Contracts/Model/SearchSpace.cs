namespace InferencePipeline.Contracts;

/// <summary>
/// The profiler's search space, compatible with Model Analyzer's profile config: every combination of
/// dynamic-batching preferred size and instance count is one config, measured at every concurrency.
/// An empty <see cref="PreferredBatchSizes"/> profiles without dynamic batching.
/// </summary>
public sealed record SearchSpace(
    IReadOnlyList<int> Concurrency,
    IReadOnlyList<int> PreferredBatchSizes,
    IReadOnlyList<int> InstanceCounts,
    SearchMode Mode = SearchMode.BruteForce,
    int MeasurementWindowMs = 1000,
    double StabilityPercentage = 10,
    int MaxTrials = 10)
{
    /// <summary>The seed's search: batch [1],[2],[4],[8],[16] × instances 1..5, concurrency 1..128.</summary>
    public static SearchSpace Seed { get; } = new([1, 2, 4, 8, 16, 32, 64, 128], [1, 2, 4, 8, 16], [1, 2, 3, 4, 5]);

    /// <summary>A small space that finishes in minutes on two CPU cores.</summary>
    public static SearchSpace Quick { get; } = new([1, 4, 16], [4, 16], [1, 2], MeasurementWindowMs: 500);
}

public enum SearchMode
{
    BruteForce = 0,
    Quick = 1,
}
