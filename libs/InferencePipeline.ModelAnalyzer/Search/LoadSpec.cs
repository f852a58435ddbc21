using InferencePipeline.ModelAnalyzer.Config;

namespace InferencePipeline.ModelAnalyzer.Search;

/// <summary>
/// What load a model's configs are swept over: the concurrencies (or request rates), ascending, for each client
/// batch size, and how far a binary search may go back past a broken latency bound. The values are the user's
/// list when given, else Model Analyzer's automatic sweep: powers of two between the run_config_search bounds.
/// </summary>
public sealed record LoadSpec(IReadOnlyList<double> Values, bool IsRequestRate, IReadOnlyList<int> BatchSizes, int MaxBinarySearchSteps)
{
    public static LoadSpec For(LoadParameters parameters, ModelAnalyzerConfig settings)
    {
        var batches = parameters.BatchSizes is { Count: > 0 } b ? b.Distinct().Order().ToList() : [1];
        if (parameters.RequestRate is { Count: > 0 } rates)
        {
            return new LoadSpec(rates.Distinct().Order().ToList(), true, batches, settings.MaxBinarySearchSteps);
        }

        var values = parameters.Concurrency is { Count: > 0 } c
            ? c.Distinct().Order().Select(v => (double)v).ToList()
            : AutomaticSpace.PowersOfTwo(settings.MinConcurrency, settings.MaxConcurrency).Select(v => (double)v).ToList();
        return new LoadSpec(values, false, batches, settings.MaxBinarySearchSteps);
    }

    /// <summary>Concurrencies only, one batch size: what the pipeline's search space gives.</summary>
    public static LoadSpec Concurrencies(IEnumerable<int> concurrencies, int maxBinarySearchSteps = ModelAnalyzerConfig.DefaultMaxBinarySearchSteps) =>
        new(concurrencies.Distinct().Order().Select(c => (double)c).ToList(), false, [1], maxBinarySearchSteps);

    public LoadPoint Point(int batch, double value) =>
        IsRequestRate ? new LoadPoint(batch, 0, value) : new LoadPoint(batch, (int)value);

    /// <summary>The most measurements one config's sweep can take: every value of every batch size, plus the binary steps.</summary>
    public int MaxPerConfig(bool latencyBound) => BatchSizes.Count * (Values.Count + (latencyBound ? MaxBinarySearchSteps : 0));

    /// <summary>
    /// Quick search's one load for a candidate: Model Analyzer's 2 × batch × instances, taken as the first swept
    /// value at or above it (the highest when none is), so the point is one a later sweep of the config reuses.
    /// </summary>
    public LoadPoint QuickPoint(PlannedServingConfig config)
    {
        var target = 2.0 * config.ModelBatch * config.InstanceCount;
        var value = Values.FirstOrDefault(v => v >= target, Values[^1]);
        return Point(BatchSizes[0], value);
    }
}
