using InferencePipeline.LoadGen;
using Xunit.Abstractions;
using InferencePipeline.Testing;

namespace InferencePipeline.InferenceServer.Tests.LoadGen;

/// <summary>
/// The load generator must never be the bottleneck: it must sustain at least 5× the highest rate it reports for
/// the demo BERT, which is a few thousand inferences/s on a 2-core CPU. Measured against a target that costs nothing.
/// </summary>
[Collection(LoadGenTimingCollection.Name)]
[Trait(TestCategory.Name, TestCategory.Timing)]
public sealed class LoadGenOverheadTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(1)]
    [InlineData(16)]
    public async Task Sustains_far_more_than_any_real_model_and_allocates_nothing_per_request(int concurrency)
    {
        // A rule that never holds, so all five windows run. A small sample cap is reached within the first
        // window, so the recorders stop growing; what window 4 allocates is what requests cost in steady state.
        var options = new LoadGenOptions { WindowMs = 100, MaxTrials = 5, StabilityPercentage = 1e-6, LatencySamplesPerWindow = 65_536 };
        long allocatedBefore = 0, allocatedAfter = 0, steadyRequests = 0;
        var progress = new CallbackProgress(w =>
        {
            if (w.Trial == 3)
            {
                allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
            }
            else if (w.Trial == 4)
            {
                allocatedAfter = GC.GetTotalAllocatedBytes(precise: true);
                steadyRequests = w.Stats.RequestCount;
            }
        });

        var result = await new ConcurrencyLoadGenerator().MeasureDetailedAsync(new NoOpTarget(), concurrency, options, progress);
        var bytesPerRequest = (allocatedAfter - allocatedBefore) / (double)steadyRequests;

        output.WriteLine(
            $"concurrency {concurrency}: {result.Stats.ThroughputPerSec:N0} req/s, p50 {result.Stats.P50Ms * 1000:F3} us, " +
            $"p99 {result.Stats.P99Ms * 1000:F3} us; steady window: {steadyRequests:N0} requests, {bytesPerRequest:F4} B/request");

        // 100k/s is 20× the demo BERT's best rate; a quiet 2-core machine does millions.
        Assert.True(result.Stats.ThroughputPerSec > 100_000, $"{result.Stats.ThroughputPerSec:N0} req/s");
        // Any per-request allocation would be ≥ 24 bytes (the smallest object); what remains is per window
        // (stats, progress, the thread pool's own bookkeeping), a few bytes per request at most.
        Assert.True(bytesPerRequest < 16, $"{bytesPerRequest} bytes per request");
    }

    private sealed class CallbackProgress(Action<WindowResult> report) : IProgress<WindowResult>
    {
        public void Report(WindowResult value) => report(value);
    }
}
