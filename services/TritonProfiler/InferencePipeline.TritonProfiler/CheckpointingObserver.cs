using System.Diagnostics;
using InferencePipeline.Contracts;
using InferencePipeline.ModelAnalyzer.Profiling;
using InferencePipeline.ModelAnalyzer.Search;
using InferencePipeline.Stages;
using InferencePipeline.TritonProfiler.Checkpoints;
using Microsoft.Extensions.Logging;

namespace InferencePipeline.TritonProfiler;

/// <summary>
/// The profile engine's checkpoints and reports for a pipeline: a measurement is saved in the store BEFORE its
/// ProfileMeasured goes out and marked published after, so a crash loses no measurement and re-announces at most
/// the one in between (consumers deduplicate on its index, which is its place in the engine's visit order and so the
/// same on every delivery).
/// </summary>
public sealed class CheckpointingObserver(
    StageRun<ProfileModel> run,
    IMeasurementStore store,
    IReadOnlyDictionary<string, CheckpointedMeasurement> checkpoints,
    ILogger logger) : IProfileObserver, IMeasurementCheckpoints
{
    private int _configs;
    private int _total = 1;
    private int _started;
    private long _lastPoint = Stopwatch.GetTimestamp();

    public Guid PipelineId => run.PipelineId;

    /// <summary>Points measured by this delivery.</summary>
    public int Measured { get; private set; }

    /// <summary>Points published again because their first announcement may not have gone out.</summary>
    public int Republished { get; private set; }

    public int Total => _total;

    public Task<CheckpointHit?> FindAsync(string model, PlannedServingConfig config, LoadPoint point, CancellationToken cancellationToken) =>
        Task.FromResult(checkpoints.TryGetValue(MeasurementKey.For(config.Name, point.Concurrency), out var done)
            ? new CheckpointHit(done.Measurement, done.Published)
            : null);

    public Task SaveAsync(string model, PlannedServingConfig config, LoadPoint point, ProfileMeasurement measurement, int index, CancellationToken cancellationToken) =>
        store.SaveAsync(PipelineId, new CheckpointedMeasurement(measurement, Published: false), cancellationToken);

    public Task ModelStartingAsync(string model, int configs, int maxMeasurements, CancellationToken cancellationToken)
    {
        _configs = configs;
        _total = Math.Max(1, maxMeasurements);
        return run.ProgressAsync(
            (double)checkpoints.Count / _total,
            $"Profiling {configs} configs, at most {maxMeasurements} measurements" +
            (checkpoints.Count > 0 ? $" ({checkpoints.Count} already measured, resuming)" : ""),
            cancellationToken);
    }

    public Task ConfigStartingAsync(string model, PlannedServingConfig config, CancellationToken cancellationToken)
    {
        _started++;
        _lastPoint = Stopwatch.GetTimestamp();
        return run.ProgressAsync(
            (double)(Measured + checkpoints.Count) / _total,
            $"Measuring {config.Name} ({config.Describe()}; config {_started} loaded of at most {_configs})",
            cancellationToken);
    }

    public Task MeasuringAsync(string model, PlannedServingConfig config, LoadPoint point, CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task PointAsync(ProfilePoint point, CancellationToken cancellationToken)
    {
        if (point.Replayed)
        {
            ProfilerTelemetry.ResumedMeasurements.Add(1);
            if (!point.Announced)
            {
                Republished++;
                await AnnounceAsync(point, cancellationToken);
            }

            return;
        }

        ProfilerTelemetry.Measurements.Add(1, new KeyValuePair<string, object?>("variant", point.Config.Variant.ToString()));
        ProfilerTelemetry.MeasurementDuration.Record(Stopwatch.GetElapsedTime(_lastPoint).TotalSeconds);
        _lastPoint = Stopwatch.GetTimestamp();
        Measured++;
        var stats = point.Measurement.Stats;
        logger.LogInformation(
            "{Config} at concurrency {Concurrency}: {Throughput:F1} infer/s, p99 {P99:F2} ms{Unstable}",
            point.Config.Name, point.Measurement.Concurrency, stats.ThroughputPerSec, stats.P99Ms, stats.Stable ? "" : " (not stable)");
        await AnnounceAsync(point, cancellationToken);
    }

    private async Task AnnounceAsync(ProfilePoint point, CancellationToken cancellationToken)
    {
        await run.Context.Publish(new ProfileMeasured(PipelineId, point.Measurement, point.Index, Math.Max(_total, point.Index + 1)), cancellationToken);
        await store.SaveAsync(PipelineId, new CheckpointedMeasurement(point.Measurement, Published: true), cancellationToken);
    }
}
