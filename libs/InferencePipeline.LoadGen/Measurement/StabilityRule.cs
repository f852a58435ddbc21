using InferencePipeline.Contracts;

namespace InferencePipeline.LoadGen;

/// <summary>
/// perf_analyzer's stopping rule: measurement windows repeat until the last <see cref="WindowCount"/>
/// windows agree — throughput and latency each within ±<see cref="StabilityPercentage"/>% of their mean
/// over those windows, and no window without completions — or <see cref="MaxTrials"/> windows ran, in
/// which case the result is reported unstable.
/// </summary>
/// <remarks>
/// perf_analyzer itself checks max/min ≤ 1 + threshold; "within ±x% of the mean" is the form our design
/// states. For three windows the two agree closely at 10% (±10% of the mean allows max/min up to 1.22,
/// max/min ≤ 1.10 keeps every window within ±~5% of the mean), so this rule is a little more tolerant.
/// </remarks>
public sealed record StabilityRule
{
    public double StabilityPercentage { get; init; } = 10;

    public int MaxTrials { get; init; } = 10;

    public int WindowCount { get; init; } = 3;

    public StabilityLatencyMetric LatencyMetric { get; init; } = StabilityLatencyMetric.Avg;

    /// <summary>Whether the last <see cref="WindowCount"/> of <paramref name="windows"/> are stable.</summary>
    public bool IsStable(IReadOnlyList<LatencyStats> windows)
    {
        ArgumentNullException.ThrowIfNull(windows);
        Validate();
        if (windows.Count < WindowCount)
        {
            return false;
        }

        var first = windows.Count - WindowCount;
        for (var i = first; i < windows.Count; i++)
        {
            if (windows[i].RequestCount == 0 || windows[i].ThroughputPerSec <= 0)
            {
                return false;
            }
        }

        return WithinBand(windows, first, static w => w.ThroughputPerSec)
            && WithinBand(windows, first, LatencyMetric == StabilityLatencyMetric.P99 ? static w => w.P99Ms : static w => w.AvgMs);
    }

    /// <summary>Whether to stop measuring after <paramref name="windows"/>: stable, or out of trials.</summary>
    public bool IsDone(IReadOnlyList<LatencyStats> windows) => windows.Count >= MaxTrials || IsStable(windows);

    public void Validate()
    {
        if (StabilityPercentage is <= 0 or >= 100)
        {
            throw new ArgumentOutOfRangeException(nameof(StabilityPercentage), StabilityPercentage, "Stability percentage must lie in (0, 100).");
        }

        if (WindowCount < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(WindowCount), WindowCount, "At least one window is compared.");
        }

        if (MaxTrials < WindowCount)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxTrials), MaxTrials, $"MaxTrials must be at least the {WindowCount} windows the rule compares.");
        }
    }

    private bool WithinBand(IReadOnlyList<LatencyStats> windows, int first, Func<LatencyStats, double> value)
    {
        double mean = 0;
        for (var i = first; i < windows.Count; i++)
        {
            mean += value(windows[i]);
        }

        mean /= windows.Count - first;
        var band = mean * StabilityPercentage / 100.0;
        for (var i = first; i < windows.Count; i++)
        {
            if (Math.Abs(value(windows[i]) - mean) > band)
            {
                return false;
            }
        }

        return true;
    }
}
