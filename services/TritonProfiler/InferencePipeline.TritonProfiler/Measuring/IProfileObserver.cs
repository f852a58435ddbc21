using InferencePipeline.Contracts;
using InferencePipeline.TritonProfiler.Configs;

namespace InferencePipeline.TritonProfiler.Measuring;

/// <summary>What the perf runner reports as it goes; the consumer checkpoints and publishes.</summary>
public interface IProfileObserver
{
    /// <summary>A config is about to be loaded and measured (it has points left to measure).</summary>
    Task ConfigStartingAsync(PlannedConfig config, int configIndex, CancellationToken cancellationToken);

    /// <summary>A fresh measurement; it must be durable when this returns.</summary>
    Task MeasuredAsync(ProfileMeasurement measurement, int index, CancellationToken cancellationToken);

    /// <summary>The config passed the latency budget at <paramref name="concurrency"/>; the higher concurrencies are not measured.</summary>
    Task StoppedClimbingAsync(PlannedConfig config, int configIndex, int concurrency, double p99Ms, int skippedPoints, CancellationToken cancellationToken);
}
