namespace InferencePipeline.Contracts;

/// <summary>
/// The profiler's search space, compatible with Model Analyzer's profile config: every combination of
/// dynamic-batching preferred size, instance count and ONNX Runtime backend parameter value is one config,
/// swept over the concurrencies with Model Analyzer's rules. An empty <see cref="PreferredBatchSizes"/>
/// profiles without dynamic batching.
/// </summary>
/// <param name="BackendParameters">
/// ONNX Runtime backend <c>parameters</c> searched jointly with batching and instances: each key (e.g.
/// <c>intra_op_thread_count</c>) with the values to try (<c>["1", "2"]</c>); null or empty searches none.
/// </param>
public sealed record SearchSpace(
    IReadOnlyList<int> Concurrency,
    IReadOnlyList<int> PreferredBatchSizes,
    IReadOnlyList<int> InstanceCounts,
    SearchMode Mode = SearchMode.Auto,
    int MeasurementWindowMs = 1000,
    double StabilityPercentage = 10,
    int MaxTrials = 10,
    IReadOnlyDictionary<string, IReadOnlyList<string>>? BackendParameters = null)
{
    /// <summary><see cref="SearchMode.Auto"/> searches spaces of more configs than this with hill climbing.</summary>
    public const int AutoQuickAbove = 8;

    /// <summary>How many configs the space holds besides the default and ORT-tuned ones.</summary>
    public int ConfigCount =>
        Math.Max(1, PreferredBatchSizes.Distinct().Count()) * InstanceCounts.Distinct().Count() *
        (BackendParameters ?? new Dictionary<string, IReadOnlyList<string>>()).Values.Aggregate(1, (n, values) => n * Math.Max(1, values.Distinct().Count()));

    /// <summary>The mode this space is searched with: <see cref="SearchMode.Auto"/> resolved by its size.</summary>
    public SearchMode EffectiveMode => Mode switch
    {
        SearchMode.Auto => ConfigCount > AutoQuickAbove ? SearchMode.Quick : SearchMode.BruteForce,
        _ => Mode,
    };

    /// <summary>The seed's search: batch [1],[2],[4],[8],[16] × instances 1..5, concurrency 1..128.</summary>
    public static SearchSpace Seed { get; } = new([1, 2, 4, 8, 16, 32, 64, 128], [1, 2, 4, 8, 16], [1, 2, 3, 4, 5]);

    /// <summary>
    /// A small space that finishes in minutes on two CPU cores: four configs, few enough that
    /// <see cref="SearchMode.Auto"/> measures every one.
    /// </summary>
    public static SearchSpace Small { get; } = new([1, 4, 16], [4, 16], [1, 2], MeasurementWindowMs: 500);
}

/// <summary>How the profiler walks a <see cref="SearchSpace"/>, as Model Analyzer's run_config_search_mode.</summary>
public enum SearchMode
{
    /// <summary>Every config of the space, each swept over the concurrencies.</summary>
    BruteForce = 0,

    /// <summary>
    /// Model Analyzer's hill climbing: each candidate measured once at a concurrency derived from it, climbing to a
    /// local optimum; then the best few get the full concurrency sweep.
    /// </summary>
    Quick = 1,

    /// <summary>Brute force for a space of at most <see cref="SearchSpace.AutoQuickAbove"/> configs, quick above.</summary>
    Auto = 2,
}
