using System.Diagnostics;
using InferencePipeline.LoadGen;
using InferencePipeline.Testing;

namespace InferencePipeline.InferenceServer.Tests.LoadGen;

[Collection(LoadGenTimingCollection.Name)]
public sealed class ConcurrencySweepTests
{
    [Trait(TestCategory.Name, TestCategory.Timing)]
    [Fact]
    public async Task Stops_after_the_first_level_over_the_p99_budget()
    {
        // Latency ≈ 10 ms × concurrency: 1 → 10 ms, 4 → 40 ms, 16 → 160 ms (over 100), 32 never measured.
        // The margins absorb tens of milliseconds of scheduling jitter on a busy 2-core CI machine.
        const double budget = 100;
        var target = new InFlightDelayTarget(perRequestMs: 10);
        var options = new LoadGenOptions { WindowMs = 200, MaxTrials = 3 };

        var results = await ConcurrencySweep.RunAsync(target, [1, 4, 16, 32], options, latencyBudgetP99Ms: budget);

        var seen = string.Join("; ", results.Select(r => $"c={r.Concurrency} p99={r.Stats.P99Ms:F1}"));
        Assert.True(results.Select(r => r.Concurrency).SequenceEqual([1, 4, 16]), seen);
        Assert.True(results[0].Stats.P99Ms < budget, seen);
        Assert.True(results[1].Stats.P99Ms < budget, seen);
        Assert.True(results[2].Stats.P99Ms > budget, seen);
        Assert.True(results[1].Stats.P50Ms > results[0].Stats.P50Ms, "latency grows with concurrency");
        Assert.Equal(16, target.MaxInFlight);
    }

    [Fact]
    public async Task Without_a_budget_every_level_is_measured()
    {
        var results = await ConcurrencySweep.RunAsync(new InFlightDelayTarget(1), [1, 2], new LoadGenOptions { WindowMs = 50, MaxTrials = 3 });
        Assert.Equal([1, 2], results.Select(r => r.Concurrency));
    }

    [Fact]
    public async Task Empty_level_list_is_rejected()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => ConcurrencySweep.RunAsync(new NoOpTarget(), [], new LoadGenOptions()));
    }
}
