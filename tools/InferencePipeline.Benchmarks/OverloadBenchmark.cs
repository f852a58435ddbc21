using InferencePipeline.Contracts;
using InferencePipeline.LoadGen;

namespace InferencePipeline.Benchmarks;

/// <summary>
/// The server at ten times its capacity: the slow model (whose config allows a queue of
/// <see cref="BenchmarkRepository.SlowMaxQueueSize"/>) is first measured closed loop with full batches, then driven open
/// loop at ten times that rate, then once more at concurrency 1. The server runs alone in a child process, so its heap
/// and working set, sampled while the overload lasts, are the server's only.
/// </summary>
public sealed class OverloadBenchmark(BenchmarkArguments arguments, TextWriter log, string repositoryRoot, CancellationToken cancellationToken)
{
    public const int Overload = 10;

    /// <summary>The server's heap may grow under overload by at most this much over its idle heap to count as bounded.</summary>
    public const long HeapGrowthGoalBytes = 64L << 20;

    private static readonly TimeSpan SampleInterval = TimeSpan.FromMilliseconds(250);

    private readonly List<Measurement> _measurements = [];

    public IReadOnlyList<Measurement> Measurements => _measurements;

    public async Task<Figure> RunAsync()
    {
        await using var server = await ServerProcess.StartAsync(repositoryRoot, [BenchmarkRepository.Slow], cancellationToken);
        using var target = await GrpcInferenceTarget.CreateAsync(server.GrpcAddress, BenchmarkRepository.Slow, cancellationToken: cancellationToken);
        var options = arguments.MeasureOptions;

        // Twice the batch size in flight keeps every batch full: the most the model serves.
        var capacity = await MeasureClosedLoopAsync("slow_add capacity via server process", target, 2 * BenchmarkRepository.SlowMaxBatch, options);
        var idle = await server.ReadMemoryAsync(cancellationToken);

        var rate = capacity.ThroughputPerSec * Overload;
        var counted = new RefusalCountingTarget(target);
        // Open loop: the cap on requests in flight is far above what the queue holds, so it never paces the load,
        // and refusals are requests answered, not failures of the measurement.
        var overloadOptions = options with { MaxErrorRate = 1, MaxOutstandingRequests = 512, StabilityPercentage = 99, MaxTrials = 3 };
        using var sampling = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var sampler = SampleMemoryAsync(server, sampling.Token);
        log.Write($"  slow_add at {Overload}x capacity via server process, {rate:0} req/s offered ... ");
        var overload = await new RequestRateLoadGenerator().MeasureDetailedAsync(
            counted, rate, RateDistribution.Constant, overloadOptions, cancellationToken: cancellationToken);
        await sampling.CancelAsync();
        var peak = await sampler;

        var seconds = overload.Windows.Sum(w => w.Duration.TotalSeconds);
        var acceptedRate = overload.Windows.Sum(w => w.Stats.RequestCount) / seconds;
        var refusedRate = overload.Windows.Sum(w => w.ErrorCount) / seconds;
        log.WriteLine($"{acceptedRate:0} accepted/s, {refusedRate:0} refused/s, p50 of accepted {overload.Stats.P50Ms:0} ms; " +
            $"server heap peak {peak.Heap >> 20} MiB (idle {idle.Heap >> 20} MiB), GC committed peak {peak.Committed >> 20} MiB, " +
            $"working set peak {peak.WorkingSet >> 20} MiB (idle {idle.WorkingSet >> 20} MiB)");
        _measurements.Add(new Measurement($"slow_add at {Overload}x capacity (accepted requests)", overloadOptions.MaxOutstandingRequests, 1, overload.Stats));

        var after = await MeasureClosedLoopAsync("slow_add after the overload", target, 1, options);
        var recovered = after.ThroughputPerSec > 0;
        var heapGrowth = peak.Heap - idle.Heap;
        var met = counted.Refused > 0 && counted.OtherFailures == 0 && heapGrowth <= HeapGrowthGoalBytes && recovered;
        return new Figure(
            $"Overload: slow model at {Overload}x its capacity (server process only)",
            $"{rate:0} req/s offered: {acceptedRate:0}/s accepted, {refusedRate:0}/s refused " +
            $"({(counted.OtherFailures == 0 ? "every refusal UNAVAILABLE 'Exceeds maximum queue size'" : $"{counted.OtherFailures} other failures: {counted.LastOtherFailure}")})",
            $"capacity {capacity.ThroughputPerSec:0} req/s (c={2 * BenchmarkRepository.SlowMaxBatch}); after: {after.ThroughputPerSec:0} req/s at c=1",
            heapGrowth,
            $"heap {idle.Heap >> 20} -> peak {peak.Heap >> 20} MiB, GC committed peak {peak.Committed >> 20} MiB, working set {idle.WorkingSet >> 20} -> peak {peak.WorkingSet >> 20} MiB",
            $"refuses with UNAVAILABLE, heap growth <= {HeapGrowthGoalBytes >> 20} MiB, serves after",
            met,
            $"The slow model (an ONNX Loop, max batch {BenchmarkRepository.SlowMaxBatch}, one instance, default_queue_policy max_queue_size " +
            $"{BenchmarkRepository.SlowMaxQueueSize}) in a child server process: its capacity measured closed loop, then an open-loop constant " +
            $"request rate of {Overload}x that capacity (perf_analyzer's request-rate mode) for three windows, the child's managed heap " +
            "(GC.GetTotalMemory without a forced collection) and working set sampled every 250 ms; then one closed-loop run at concurrency 1.");
    }

    private async Task<LatencyStats> MeasureClosedLoopAsync(string name, IInferenceTarget target, int concurrency, LoadGenOptions options)
    {
        log.Write($"  {name}, concurrency {concurrency} ... ");
        var stats = await new ConcurrencyLoadGenerator().MeasureAsync(target, concurrency, options, cancellationToken: cancellationToken);
        log.WriteLine($"{stats.ThroughputPerSec:0} infer/s, p50 {stats.P50Ms:0.#} ms");
        _measurements.Add(new Measurement(name, concurrency, target.BatchSize, stats));
        return stats;
    }

    /// <summary>The highest heap, GC-committed memory and working set the server reports until <paramref name="stop"/> is cancelled.</summary>
    private static async Task<(long Heap, long Committed, long WorkingSet)> SampleMemoryAsync(ServerProcess server, CancellationToken stop)
    {
        (long Heap, long Committed, long WorkingSet) peak = default;
        try
        {
            while (true)
            {
                var now = await server.ReadMemoryAsync(stop);
                peak = (Math.Max(peak.Heap, now.Heap), Math.Max(peak.Committed, now.Committed), Math.Max(peak.WorkingSet, now.WorkingSet));
                await Task.Delay(SampleInterval, stop);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            return peak;
        }
    }
}
