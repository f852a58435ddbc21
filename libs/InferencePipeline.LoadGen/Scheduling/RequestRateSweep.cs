namespace InferencePipeline.LoadGen;

/// <summary>
/// perf_analyzer's --request-rate-range with --latency-threshold: measures each request rate in turn (open loop)
/// and stops after the first rate whose p99 exceeds the latency budget; that rate is still reported so the caller
/// sees where the budget broke.
/// </summary>
public static class RequestRateSweep
{
    public static async Task<IReadOnlyList<MeasurementResult>> RunDetailedAsync(
        IInferenceTarget target,
        IReadOnlyList<double> requestsPerSecond,
        RateDistribution distribution,
        LoadGenOptions options,
        double? latencyBudgetP99Ms = null,
        IProgress<WindowResult>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(requestsPerSecond);
        if (requestsPerSecond.Count == 0)
        {
            throw new ArgumentException("At least one request rate is needed.", nameof(requestsPerSecond));
        }

        if (requestsPerSecond.Any(rate => !double.IsFinite(rate) || rate <= 0))
        {
            throw new ArgumentOutOfRangeException(nameof(requestsPerSecond), "Request rates must be positive numbers.");
        }

        if (latencyBudgetP99Ms is <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(latencyBudgetP99Ms), latencyBudgetP99Ms, "A latency budget must be positive.");
        }

        var generator = new RequestRateLoadGenerator();
        var results = new List<MeasurementResult>(requestsPerSecond.Count);
        foreach (var rate in requestsPerSecond)
        {
            var result = await generator.MeasureDetailedAsync(target, rate, distribution, options, progress, cancellationToken).ConfigureAwait(false);
            results.Add(result);
            if (result.Stats.P99Ms > latencyBudgetP99Ms)
            {
                break;
            }
        }

        return results;
    }
}
