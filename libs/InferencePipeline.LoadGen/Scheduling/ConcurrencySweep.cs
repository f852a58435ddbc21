using InferencePipeline.Contracts;

namespace InferencePipeline.LoadGen;

/// <summary>
/// perf_analyzer's --concurrency-range with --latency-threshold: measures each level in turn and stops
/// after the first level whose p99 exceeds the latency budget (that level is still reported, so the caller
/// sees where the budget broke). Higher levels would only be slower and waste measurement time.
/// </summary>
public static class ConcurrencySweep
{
    public static async Task<IReadOnlyList<(int Concurrency, LatencyStats Stats)>> RunAsync(
        IInferenceTarget target,
        IReadOnlyList<int> concurrencies,
        LoadGenOptions options,
        double? latencyBudgetP99Ms = null,
        IProgress<WindowResult>? progress = null,
        CancellationToken cancellationToken = default) =>
        (await RunDetailedAsync(target, concurrencies, options, latencyBudgetP99Ms, progress, cancellationToken).ConfigureAwait(false))
            .Select(r => (r.Concurrency, r.Stats))
            .ToList();

    /// <summary>The same sweep, keeping each level's windows, errors and server-side times (for perf_analyzer's CSV).</summary>
    public static async Task<IReadOnlyList<MeasurementResult>> RunDetailedAsync(
        IInferenceTarget target,
        IReadOnlyList<int> concurrencies,
        LoadGenOptions options,
        double? latencyBudgetP99Ms = null,
        IProgress<WindowResult>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(concurrencies);
        if (concurrencies.Count == 0)
        {
            throw new ArgumentException("At least one concurrency level is needed.", nameof(concurrencies));
        }

        if (latencyBudgetP99Ms is <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(latencyBudgetP99Ms), latencyBudgetP99Ms, "A latency budget must be positive.");
        }

        var generator = new ConcurrencyLoadGenerator();
        var results = new List<MeasurementResult>(concurrencies.Count);
        foreach (var concurrency in concurrencies)
        {
            var result = await generator.MeasureDetailedAsync(target, concurrency, options, progress, cancellationToken).ConfigureAwait(false);
            results.Add(result);
            if (result.Stats.P99Ms > latencyBudgetP99Ms)
            {
                break;
            }
        }

        return results;
    }
}
