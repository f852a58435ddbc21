using InferencePipeline.Contracts;
using InferencePipeline.ModelAnalyzer.Config;
using InferencePipeline.ModelAnalyzer.Reports;
using InferencePipeline.ModelAnalyzer.Search;

namespace InferencePipeline.ModelAnalyzer.Tests;

/// <summary>Model Analyzer's concurrency sweep rules, on measurements whose values the test sets.</summary>
public sealed class LoadSweepTests
{
    private static readonly LoadSpec Powers = LoadSpec.Concurrencies([1, 2, 4, 8, 16, 32, 64, 128]);

    [Fact]
    public async Task The_sweep_stops_once_the_best_of_the_last_four_is_under_5_percent_above_the_first_of_them()
    {
        // 300 -> 313 over the last four is +4.3%: no fifth step up.
        var throughput = new Dictionary<int, double> { [1] = 100, [2] = 200, [4] = 300, [8] = 310, [16] = 312, [32] = 313, [64] = 500 };
        var measured = await SweepAsync(Powers, ConstraintSet.None, c => (throughput[c], 1));

        Assert.Equal([1, 2, 4, 8, 16, 32], measured);
    }

    [Fact]
    public async Task Exactly_5_percent_more_keeps_the_sweep_going()
    {
        var throughput = new Dictionary<int, double> { [1] = 100, [2] = 101, [4] = 102, [8] = 105, [16] = 105, [32] = 105, [64] = 105, [128] = 105 };
        var measured = await SweepAsync(Powers, ConstraintSet.None, c => (throughput[c], 1));

        // At 16 the window is 100..105 (+5%, not under); at 32 it is 101..105 (+3.96%): stop.
        Assert.Equal([1, 2, 4, 8, 16], measured);
    }

    [Fact]
    public async Task Past_a_broken_latency_budget_a_binary_search_finds_the_highest_load_within_it()
    {
        // p99 = concurrency ms; the budget is 13 ms: 16 breaks it, then 12 (holds), 14 (breaks), 13 (holds).
        var budget = new ConstraintSet([new MetricConstraint(Metrics.LatencyP99, null, 13)]);
        var measured = await SweepAsync(Powers, budget, c => (1000.0 * c, c));

        Assert.Equal([1, 2, 4, 8, 16, 12, 14, 13], measured);
    }

    [Fact]
    public async Task The_binary_search_takes_at_most_its_steps_and_nothing_below_the_first_load()
    {
        var budget = new ConstraintSet([new MetricConstraint(Metrics.LatencyP99, null, 100)]);
        var spec = LoadSpec.Concurrencies([1, 1000], maxBinarySearchSteps: 3);
        var measured = await SweepAsync(spec, budget, c => (1000.0 * c, c));
        Assert.Equal([1, 1000, 500, 250, 125], measured);

        var none = await SweepAsync(Powers, new ConstraintSet([new MetricConstraint(Metrics.LatencyP99, null, 0.5)]), c => (100, c));
        Assert.Equal([1], none);
    }

    [Fact]
    public async Task A_throughput_floor_does_not_stop_the_sweep()
    {
        var floor = new ConstraintSet([new MetricConstraint(Metrics.Throughput, 250, null)]);
        var measured = await SweepAsync(LoadSpec.Concurrencies([1, 2, 4]), floor, c => (100.0 * c, 1));

        Assert.Equal([1, 2, 4], measured);
    }

    [Fact]
    public async Task A_request_rate_sweep_searches_rates_between_the_last_that_held_and_the_first_that_broke()
    {
        var budget = new ConstraintSet([new MetricConstraint(Metrics.LatencyP99, null, 10)]);
        var spec = new LoadSpec([50, 100, 200], IsRequestRate: true, BatchSizes: [1], MaxBinarySearchSteps: 2);
        var config = new ProfiledConfig("c", ConfigVariant.TritonSearch, 8, [], 1, "c");
        var rates = new List<double>();

        await LoadSweep.RunAsync(spec, budget, ObjectiveScore.Default, point =>
        {
            rates.Add(point.RequestRate!.Value);
            // p99 grows past the budget above 120 requests/s.
            var p99 = point.RequestRate > 120 ? 50 : 5;
            return Task.FromResult(new ProfileMeasurement(config, 0, new LatencyStats(point.Value, p99, p99, p99, p99, p99, 1, true), RequestRate: point.RequestRate));
        });

        Assert.Equal([50, 100, 200, 150, 125], rates);
    }

    private static async Task<List<int>> SweepAsync(LoadSpec spec, ConstraintSet constraints, Func<int, (double Throughput, double P99)> at)
    {
        var config = new ProfiledConfig("c", ConfigVariant.TritonSearch, 8, [], 1, "c");
        var measured = new List<int>();
        await LoadSweep.RunAsync(spec, constraints, ObjectiveScore.Default, point =>
        {
            measured.Add(point.Concurrency);
            var (throughput, p99) = at(point.Concurrency);
            return Task.FromResult(new ProfileMeasurement(config, point.Concurrency, new LatencyStats(throughput, p99, p99, p99, p99, p99, 1, true)));
        });
        return measured;
    }
}
