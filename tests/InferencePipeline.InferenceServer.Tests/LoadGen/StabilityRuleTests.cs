using InferencePipeline.Contracts;
using InferencePipeline.LoadGen;

namespace InferencePipeline.InferenceServer.Tests.LoadGen;

public sealed class StabilityRuleTests
{
    private static LatencyStats Window(double throughput, double avgMs, double p99Ms = 0) =>
        new(throughput, avgMs, avgMs, avgMs, avgMs, p99Ms == 0 ? avgMs : p99Ms, RequestCount: (long)Math.Max(1, throughput), Stable: false);

    [Fact]
    public void Three_windows_within_ten_percent_of_their_mean_are_stable()
    {
        var rule = new StabilityRule();
        var windows = new[] { Window(500, 9), Window(1000, 2.0), Window(1050, 2.1), Window(980, 1.95) };

        Assert.True(rule.IsStable(windows));
        Assert.True(rule.IsDone(windows));
    }

    [Fact]
    public void Fewer_than_three_windows_are_never_stable()
    {
        var rule = new StabilityRule();
        Assert.False(rule.IsStable([Window(1000, 2), Window(1000, 2)]));
    }

    [Fact]
    public void A_throughput_outlier_in_the_last_three_is_unstable()
    {
        var rule = new StabilityRule();
        // Mean 1000; 1150 is 15% above it.
        Assert.False(rule.IsStable([Window(925, 2), Window(925, 2), Window(1150, 2)]));
    }

    [Fact]
    public void A_latency_outlier_is_unstable_and_the_metric_is_configurable()
    {
        // Averages agree; p99 jumps in the last window.
        var windows = new[] { Window(1000, 2, p99Ms: 5), Window(1000, 2, p99Ms: 5), Window(1000, 2, p99Ms: 9) };

        Assert.True(new StabilityRule { LatencyMetric = StabilityLatencyMetric.Avg }.IsStable(windows));
        Assert.False(new StabilityRule { LatencyMetric = StabilityLatencyMetric.P99 }.IsStable(windows));
    }

    [Fact]
    public void A_wider_percentage_accepts_what_ten_percent_rejects()
    {
        var windows = new[] { Window(925, 2), Window(925, 2), Window(1150, 2) };
        Assert.True(new StabilityRule { StabilityPercentage = 20 }.IsStable(windows));
    }

    [Fact]
    public void A_window_without_completions_is_never_stable()
    {
        var empty = new LatencyStats(0, 0, 0, 0, 0, 0, 0, false);
        Assert.False(new StabilityRule().IsStable([empty, empty, empty]));
    }

    [Fact]
    public void Unstable_sequence_stops_after_max_trials()
    {
        var rule = new StabilityRule { MaxTrials = 5 };
        var windows = new List<LatencyStats>();
        var throughput = 100.0;
        while (!rule.IsDone(windows))
        {
            windows.Add(Window(throughput, 2));
            throughput *= 2; // every window doubles: never stable
        }

        Assert.Equal(5, windows.Count);
        Assert.False(rule.IsStable(windows));
    }

    [Fact]
    public void Max_trials_below_the_window_count_is_rejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new StabilityRule { MaxTrials = 2 }.Validate());
    }
}
