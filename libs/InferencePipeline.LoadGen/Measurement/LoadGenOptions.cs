namespace InferencePipeline.LoadGen;

/// <summary>How one concurrency level is measured (perf_analyzer's measurement flags).</summary>
public sealed record LoadGenOptions
{
    /// <summary>Length of a time window (perf_analyzer --measurement-interval; its default is 5000).</summary>
    public int WindowMs { get; init; } = 1000;

    /// <summary>When set, windows end after this many completed requests instead of after <see cref="WindowMs"/>
    /// (perf_analyzer --measurement-mode count_windows --measurement-request-count).</summary>
    public int? WindowRequests { get; init; }

    /// <summary>Load applied and thrown away before the first window (JIT, connections, ORT arenas).</summary>
    public int WarmupMs { get; init; }

    public double StabilityPercentage { get; init; } = 10;

    public int MaxTrials { get; init; } = 10;

    public StabilityLatencyMetric StabilityMetric { get; init; } = StabilityLatencyMetric.Avg;

    /// <summary>Fraction of failed requests in a window above which the measurement fails.</summary>
    public double MaxErrorRate { get; init; } = 0.01;

    /// <summary>A window that has seen no request complete for this long fails the measurement
    /// instead of waiting forever on a hung server.</summary>
    public int StallTimeoutMs { get; init; } = 60_000;

    /// <summary>Latencies stored per window across all workers; beyond it percentiles come from a uniform
    /// sample (averages and throughput stay exact). Bounds memory and the sort at each window's end for very fast
    /// targets; 100k samples put p99 within about 0.1 percentile point.</summary>
    public int LatencySamplesPerWindow { get; init; } = 100_000;

    /// <summary>Request-rate mode: requests in flight at most (perf_analyzer bounds them by its --max-threads).
    /// A request due while all are busy waits for one to finish and is counted as delayed.</summary>
    public int MaxOutstandingRequests { get; init; } = 64;

    /// <summary>Request-rate mode: how late after its scheduled time a request may leave before it counts as delayed.</summary>
    public double DelayToleranceMs { get; init; } = 1.0;

    /// <summary>Seed of the request-rate schedule's random gaps (Poisson), so runs are repeatable.</summary>
    public int Seed { get; init; } = 42;

    public StabilityRule ToStabilityRule() => new()
    {
        StabilityPercentage = StabilityPercentage,
        MaxTrials = MaxTrials,
        LatencyMetric = StabilityMetric,
    };

    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(WindowMs);
        if (WindowRequests is { } n)
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(n, nameof(WindowRequests));
        }

        ArgumentOutOfRangeException.ThrowIfNegative(WarmupMs);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(StallTimeoutMs);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(LatencySamplesPerWindow);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MaxOutstandingRequests);
        if (!double.IsFinite(DelayToleranceMs) || DelayToleranceMs < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(DelayToleranceMs), DelayToleranceMs, "The delay tolerance is a non-negative number of milliseconds.");
        }
        if (MaxErrorRate is < 0 or > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxErrorRate), MaxErrorRate, "An error rate lies in [0, 1].");
        }

        ToStabilityRule().Validate();
    }
}
