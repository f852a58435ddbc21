using InferencePipeline.Contracts;
using InferencePipeline.ModelAnalyzer.Profiling;
using InferencePipeline.ModelAnalyzer.Search;

namespace InferencePipeline.ModelAnalyzer.Tests;

/// <summary>
/// A stand-in server whose answer is known: by default a config's capacity is a function of its max_batch_size and
/// instance count with one peak (<see cref="Capacity"/>) and throughput at a concurrency rises towards it; another
/// surface can be given. p99 grows with the queue. It counts every load and measurement and can fail after a given
/// number, as a killed process would.
/// </summary>
public sealed class SurfaceMeasurer(Func<PlannedServingConfig, LoadPoint, double>? throughput = null) : IServingMeasurer
{
    private readonly Func<PlannedServingConfig, LoadPoint, double> _throughput =
        throughput ?? ((config, point) => Capacity(config) * point.Concurrency / (point.Concurrency + 2.0));

    public int Loads { get; private set; }

    /// <summary>Every fresh measurement, as "(config identity)@(load)".</summary>
    public List<string> Measured { get; } = [];

    /// <summary>Cancel the run once this many measurements were taken (null: never).</summary>
    public int? StopAfter { get; init; }

    public CancellationTokenSource Stop { get; } = new();

    /// <summary>Peaks at max_batch_size 8 with 3 instances: batching pays up to 8, a third instance helps, more only contend.</summary>
    public static double Capacity(PlannedServingConfig c)
    {
        var batch = Math.Log2(c.ModelBatch);
        return 100 * Math.Max(0.5, 4 - Math.Abs(batch - 3)) * (1 + 0.5 * Math.Min(c.InstanceCount, 3) - 0.3 * Math.Max(0, c.InstanceCount - 3));
    }

    public Task<IServingSession> OpenAsync(PlannedServingConfig config, CancellationToken cancellationToken)
    {
        Loads++;
        return Task.FromResult<IServingSession>(new Session(this, config));
    }

    private sealed class Session(SurfaceMeasurer owner, PlannedServingConfig config) : IServingSession
    {
        public Task<MeasuredLoad> MeasureAsync(LoadPoint point, CancellationToken cancellationToken)
        {
            if (owner.StopAfter is { } limit && owner.Measured.Count >= limit)
            {
                owner.Stop.Cancel();
                cancellationToken.ThrowIfCancellationRequested();
            }

            owner.Measured.Add($"{config.Identity}@{point}");
            var throughput = owner._throughput(config, point);
            var latency = 1000.0 * point.Concurrency / throughput;
            var stats = new LatencyStats(throughput, latency, latency, latency * 1.2, latency * 1.3, latency * 1.5, (long)throughput, true);
            return Task.FromResult(new MeasuredLoad(stats, new ServerLatency(latency * 0.3, 0.01, latency * 0.5, 0.01)));
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
