using InferencePipeline.LoadGen;
using Xunit.Abstractions;
using InferencePipeline.Testing;

namespace InferencePipeline.InferenceServer.Tests.LoadGen;

[Collection(LoadGenTimingCollection.Name)]
public sealed class RequestRateLoadGeneratorTests(ITestOutputHelper output)
{
    [Trait(TestCategory.Name, TestCategory.Timing)]
    [Theory]
    [InlineData(RateDistribution.Constant)]
    [InlineData(RateDistribution.Poisson)]
    public async Task Sends_the_asked_rate_to_a_fast_target(RateDistribution distribution)
    {
        // 500 ms windows: the requests in flight at each window's edges are a small part of the count, even when a
        // busy 2-core machine deschedules the dispatcher for a few milliseconds (it then catches up). 400/s leaves
        // the dispatcher asleep most of each 2.5 ms gap, so an oversubscribed CI machine still gives it the CPU it needs.
        var options = new LoadGenOptions { WindowMs = 500, MaxTrials = 3, WarmupMs = 100 };
        var result = await new RequestRateLoadGenerator().MeasureDetailedAsync(new NoOpTarget(), 400, distribution, options);

        output.WriteLine($"{distribution}: {result.Stats.ThroughputPerSec:N1} req/s, p50 {result.Stats.P50Ms:F3} ms, p99 {result.Stats.P99Ms:F3} ms, delayed {result.DelayedRequestCount}");
        // ±20%: a timing test's generous bound; the benchmarks carry the real figures.
        Assert.InRange(result.Stats.ThroughputPerSec, 320, 480);
        Assert.Equal(400, result.RequestRate);
        Assert.Equal(0, result.ErrorCount);
        Assert.Equal(3, result.Windows.Count);
    }

    [Trait(TestCategory.Name, TestCategory.Timing)]
    [Fact]
    public async Task Below_capacity_latency_is_the_service_time()
    {
        // 5 ms per request, 40 requests/s: requests rarely overlap, so nothing queues. Windows of a second (40
        // requests): with 250 ms windows of 10 requests, one 590 ms stall of a loaded CI box halved the throughput read.
        var target = new InFlightDelayTarget(perRequestMs: 5);
        var result = await new RequestRateLoadGenerator().MeasureDetailedAsync(
            target, 40, RateDistribution.Constant, new LoadGenOptions { WindowMs = 1000, MaxTrials = 3, MaxOutstandingRequests = 4 });

        output.WriteLine($"p50 {result.Stats.P50Ms:F2} ms, p99 {result.Stats.P99Ms:F2} ms, delayed {result.DelayedRequestCount}");
        Assert.InRange(result.Stats.P50Ms, 5, 20);
        Assert.InRange(result.Stats.ThroughputPerSec, 30, 50);
    }

    [Trait(TestCategory.Name, TestCategory.Timing)]
    [Fact]
    public async Task A_target_that_blocks_its_thread_gets_a_thread_per_outstanding_request()
    {
        // In-process ONNX Runtime runs on the calling thread. 200/s × 20 ms is four requests at once, more than a
        // 2-core machine's pool starts with: without headroom the pool added a thread about twice a second and the
        // backlog read as latency (a fresh test process stalled 0.8 s even against a target that does nothing).
        var options = new LoadGenOptions { WindowMs = 500, MaxTrials = 3, WarmupMs = 100, MaxOutstandingRequests = 16 };
        var result = await new RequestRateLoadGenerator().MeasureDetailedAsync(new BlockingTarget(20), 200, RateDistribution.Constant, options);

        output.WriteLine($"{result.Stats.ThroughputPerSec:N1} req/s, p50 {result.Stats.P50Ms:F2} ms, p99 {result.Stats.P99Ms:F2} ms, delayed {result.DelayedRequestCount}");
        Assert.InRange(result.Stats.ThroughputPerSec, 160, 240);
        Assert.True(result.Stats.P99Ms < 150, $"p99 {result.Stats.P99Ms} ms for a 20 ms target");
    }

    [Trait(TestCategory.Name, TestCategory.Timing)]
    [Fact]
    public async Task An_overloaded_target_shows_growing_latency_and_the_outstanding_cap_holds()
    {
        // k requests in flight take 10·k ms each, so 4 in flight serve at most 100 requests/s; asked: 300/s.
        var target = new InFlightDelayTarget(perRequestMs: 10);
        var options = new LoadGenOptions { WindowMs = 200, MaxTrials = 3, MaxOutstandingRequests = 4 };
        var result = await new RequestRateLoadGenerator().MeasureDetailedAsync(target, 300, RateDistribution.Constant, options);

        foreach (var w in result.Windows)
        {
            output.WriteLine($"window {w.Trial}: {w.Stats.ThroughputPerSec:N0} req/s, avg {w.Stats.AvgMs:F1} ms");
        }

        output.WriteLine($"delayed {result.DelayedRequestCount}, max in flight {target.MaxInFlight}");
        Assert.Equal(4, target.MaxInFlight);
        Assert.Equal(4, result.Concurrency);
        // Once the backlog builds, every request leaves late.
        Assert.True(result.DelayedRequestCount >= result.Stats.RequestCount / 2, $"{result.DelayedRequestCount} delayed of {result.Stats.RequestCount}");
        // Throughput is capped by the server, not by the asked rate.
        Assert.True(result.Stats.ThroughputPerSec < 150, $"{result.Stats.ThroughputPerSec} req/s");
        // Latency counts from the scheduled time, so the backlog shows: far above the 40 ms service time, and growing.
        Assert.True(result.Stats.AvgMs > 100, $"avg {result.Stats.AvgMs} ms");
        Assert.True(result.Windows[^1].Stats.AvgMs > result.Windows[0].Stats.AvgMs * 1.5,
            $"avg {result.Windows[0].Stats.AvgMs} ms then {result.Windows[^1].Stats.AvgMs} ms");
        Assert.False(result.Stats.Stable);
    }

    [Fact]
    public async Task Steady_state_allocates_nothing_per_request()
    {
        // The counter is process-wide: timers and finished fixtures elsewhere in the process add bytes now and then,
        // never remove them. So the least of a few measurements is the load generator's own cost; a real
        // per-request allocation (>= 24 bytes each) would show in every one of them.
        var least = double.MaxValue;
        for (var attempt = 0; attempt < 3 && least >= 16; attempt++)
        {
            least = Math.Min(least, await MeasureSteadyBytesPerRequestAsync());
        }

        Assert.True(least < 16, $"{least} bytes per request");
    }

    private async Task<double> MeasureSteadyBytesPerRequestAsync()
    {
        long allocatedBefore = 0, allocatedAfter = 0, steadyRequests = 0;
        var progress = new CallbackProgress(w =>
        {
            if (w.Trial == 1)
            {
                allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
            }
            else if (w.Trial == 2)
            {
                allocatedAfter = GC.GetTotalAllocatedBytes(precise: true);
                steadyRequests = w.Stats.RequestCount;
            }
        });

        var options = new LoadGenOptions { WindowMs = 300, MaxTrials = 3, WarmupMs = 100, MaxOutstandingRequests = 16 };
        var result = await new RequestRateLoadGenerator().MeasureDetailedAsync(new NoOpTarget(), 5000, RateDistribution.Poisson, options, progress);
        var bytesPerRequest = (allocatedAfter - allocatedBefore) / (double)steadyRequests;

        output.WriteLine($"{result.Stats.ThroughputPerSec:N0} req/s; steady window: {steadyRequests} requests, {bytesPerRequest:F2} B/request");
        Assert.True(steadyRequests > 300, $"{steadyRequests} requests");
        return bytesPerRequest;
    }

    [Fact]
    public async Task Invalid_arguments_are_refused()
    {
        var generator = new RequestRateLoadGenerator();
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => generator.MeasureAsync(new NoOpTarget(), 0, RateDistribution.Constant, new LoadGenOptions()));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(
            () => generator.MeasureAsync(new NoOpTarget(), 10, RateDistribution.Constant, new LoadGenOptions { MaxOutstandingRequests = 0 }));
    }

    [Fact]
    public async Task All_requests_failing_throws_with_the_targets_message()
    {
        var ex = await Assert.ThrowsAsync<LoadGenException>(() => new RequestRateLoadGenerator().MeasureAsync(
            new FailingTarget(failEvery: 1), 200, RateDistribution.Constant, new LoadGenOptions { WindowMs = 100, MaxTrials = 3 }));
        Assert.Contains(FailingTarget.Message, ex.Message);
    }

    /// <summary>Holds its thread for the whole request, as a synchronous in-process runtime does.</summary>
    private sealed class BlockingTarget(int milliseconds) : IInferenceTarget
    {
        public ValueTask InferAsync(CancellationToken cancellationToken)
        {
            Thread.Sleep(milliseconds);
            return ValueTask.CompletedTask;
        }
    }

    private sealed class CallbackProgress(Action<WindowResult> report) : IProgress<WindowResult>
    {
        public void Report(WindowResult value) => report(value);
    }
}
