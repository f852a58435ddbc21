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

    /// <summary>
    /// A small space that finishes in minutes on two CPU cores; measured exhaustively like any other space
    /// (how a space is searched is <see cref="Mode"/>, not its size).
    /// </summary>
    public static SearchSpace Small { get; } = new([1, 4, 16], [4, 16], [1, 2], MeasurementWindowMs: 500);
}

/// <summary>How the profiler walks a <see cref="SearchSpace"/>, as Model Analyzer's run_config_search_mode.</summary>
public enum SearchMode
{
    /// <summary>Every config of the space, at every concurrency.</summary>
    BruteForce = 0,

    /// <summary>
    /// Model Analyzer's hill-climbing search. The profiler has no hill climbing: it logs a warning and measures
    /// the whole space, as for <see cref="BruteForce"/>.
    /// </summary>
    Quick = 1,
}
