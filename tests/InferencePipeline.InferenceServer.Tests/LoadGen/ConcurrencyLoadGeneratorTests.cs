using InferencePipeline.LoadGen;
using InferencePipeline.Testing;

namespace InferencePipeline.InferenceServer.Tests.LoadGen;

[Collection(LoadGenTimingCollection.Name)]
public sealed class ConcurrencyLoadGeneratorTests
{
    private static readonly LoadGenOptions Fast = new() { WindowMs = 100, MaxTrials = 5 };

    [Trait(TestCategory.Name, TestCategory.Timing)]
    [Fact]
    public async Task Keeps_exactly_the_requested_number_of_requests_in_flight()
    {
        var target = new InFlightDelayTarget(perRequestMs: 1);
        var result = await new ConcurrencyLoadGenerator().MeasureDetailedAsync(target, 6, Fast with { MaxTrials = 3 });

        Assert.Equal(6, target.MaxInFlight);
        Assert.Equal(6, result.Concurrency);
        Assert.Equal(0, result.ErrorCount);
        Assert.InRange(result.Windows.Count, 3, 3);
        // 6 in flight × 1 ms each: every request takes ≥ 6 ms.
        Assert.True(result.Stats.P50Ms >= 6, $"p50 {result.Stats.P50Ms} ms");
    }

    [Trait(TestCategory.Name, TestCategory.Timing)]
    [Fact]
    public async Task Reports_every_window_and_merges_the_last_three()
    {
        var windows = new List<WindowResult>();
        var progress = new SynchronousProgress<WindowResult>(windows.Add);
        var result = await new ConcurrencyLoadGenerator().MeasureDetailedAsync(new NoOpTarget(), 2, Fast, progress);

        Assert.Equal(result.Windows, windows);
        Assert.InRange(windows.Count, 3, 5);
        Assert.All(windows, w => Assert.True(w.Stats.RequestCount > 0));
        Assert.All(windows, w => Assert.InRange(w.Duration.TotalMilliseconds, 95, 5000));
        var lastThree = windows.TakeLast(3).Sum(w => w.Stats.RequestCount);
        Assert.Equal(lastThree, result.Stats.RequestCount);
        Assert.Equal(windows[^1].Stats.Stable, result.Stats.Stable);
    }

    [Trait(TestCategory.Name, TestCategory.Timing)]
    [Fact]
    public async Task Count_windows_end_after_the_requested_number_of_requests()
    {
        var options = new LoadGenOptions { WindowRequests = 50, MaxTrials = 3 };
        var result = await new ConcurrencyLoadGenerator().MeasureDetailedAsync(new InFlightDelayTarget(1), 2, options);

        // A window closes once 50 completed; requests finishing while it closes land in it too. A 1 s time
        // window (the default WindowMs) would hold about 500.
        Assert.All(result.Windows, w => Assert.InRange(w.Stats.RequestCount, 50, 200));
    }

    [Fact]
    public async Task Throughput_counts_inferences_not_requests()
    {
        var batched = new BatchedNoOpTarget(8);
        var result = await new ConcurrencyLoadGenerator().MeasureDetailedAsync(batched, 1, Fast with { MaxTrials = 3 });
        var seconds = result.Windows.TakeLast(3).Sum(w => w.Duration.TotalSeconds);

        Assert.Equal(result.Stats.RequestCount * 8 / seconds, result.Stats.ThroughputPerSec, result.Stats.ThroughputPerSec * 0.01);
    }

    [Fact]
    public async Task All_requests_failing_throws_with_the_targets_message()
    {
        var ex = await Assert.ThrowsAsync<LoadGenException>(
            () => new ConcurrencyLoadGenerator().MeasureAsync(new FailingTarget(failEvery: 1), 2, Fast));

        Assert.Contains(FailingTarget.Message, ex.Message);
        Assert.True(ex.ErrorCount > 0);
        Assert.Equal(0, ex.RequestCount);
    }

    [Fact]
    public async Task Error_rate_above_threshold_throws_and_below_is_counted()
    {
        // One in four fails: 25% > 1% default.
        var ex = await Assert.ThrowsAsync<LoadGenException>(
            () => new ConcurrencyLoadGenerator().MeasureAsync(new FailingTarget(failEvery: 4), 2, Fast));
        Assert.Contains("requests failed", ex.Message);
        Assert.Contains(FailingTarget.Message, ex.Message);

        var tolerant = await new ConcurrencyLoadGenerator().MeasureDetailedAsync(
            new FailingTarget(failEvery: 4), 2, Fast with { MaxErrorRate = 0.5, MaxTrials = 3 });
        Assert.True(tolerant.ErrorCount > 0);
        Assert.True(tolerant.Stats.RequestCount > 0);
    }

    [Trait(TestCategory.Name, TestCategory.Timing)]
    [Fact]
    public async Task Cancellation_stops_the_measurement_promptly()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(150));
        var started = DateTime.UtcNow;
        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => new ConcurrencyLoadGenerator().MeasureAsync(new InFlightDelayTarget(1), 4, new LoadGenOptions { WindowMs = 10_000 }, null, cts.Token));
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task Invalid_arguments_are_rejected_before_any_load()
    {
        var generator = new ConcurrencyLoadGenerator();
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => generator.MeasureAsync(new NoOpTarget(), 0, Fast));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => generator.MeasureAsync(new NoOpTarget(), 1, Fast with { MaxTrials = 2 }));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => generator.MeasureAsync(new NoOpTarget(), 1, Fast with { WindowMs = 0 }));
    }

    private sealed class BatchedNoOpTarget(int batchSize) : IInferenceTarget
    {
        public int BatchSize => batchSize;

        public ValueTask InferAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;
    }

    /// <summary>Progress&lt;T&gt; posts to the thread pool; tests need the reports in order and complete on return.</summary>
    private sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}
