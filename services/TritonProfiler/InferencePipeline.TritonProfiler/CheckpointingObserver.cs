using InferencePipeline.Contracts;
using InferencePipeline.Stages;
using InferencePipeline.TritonProfiler.Checkpoints;
using InferencePipeline.TritonProfiler.Configs;
using InferencePipeline.TritonProfiler.Measuring;
using Microsoft.Extensions.Logging;

namespace InferencePipeline.TritonProfiler;

/// <summary>
/// Turns the runner's reports into durable checkpoints and messages: a measurement is saved BEFORE its
/// ProfileMeasured goes out and marked published after, so a crash loses no measurement and re-announces
/// at most the one in between (consumers deduplicate on its index).
/// </summary>
public sealed class CheckpointingObserver(
    StageRun<ProfileModel> run,
    IMeasurementStore store,
    ProfilePlan plan,
    ILogger logger) : IProfileObserver
{
    private int _measured;

    public Guid PipelineId => run.PipelineId;

    /// <summary>Announces checkpointed points whose ProfileMeasured may not have gone out (crash in between).</summary>
    public async Task<int> RepublishUnannouncedAsync(IReadOnlyDictionary<string, CheckpointedMeasurement> checkpoints, CancellationToken cancellationToken)
    {
        var count = 0;
        foreach (var point in checkpoints.Values.Where(p => !p.Published))
        {
            if (plan.IndexOf(point.Key) is { } index)
            {
                await AnnounceAsync(point.Measurement, index, cancellationToken);
                count++;
            }
        }

        return count;
    }

    public Task ConfigStartingAsync(PlannedConfig config, int configIndex, CancellationToken cancellationToken)
    {
        return run.ProgressAsync(
            (double)(configIndex * plan.Concurrencies.Count) / plan.Total,
            $"Measuring {config.Name} ({configIndex + 1}/{plan.Configs.Count}: {Describe(config.Profile)})",
            cancellationToken);
    }

    public async Task MeasuredAsync(ProfileMeasurement measurement, int index, CancellationToken cancellationToken)
    {
        await store.SaveAsync(PipelineId, new CheckpointedMeasurement(measurement, Published: false), cancellationToken);
        await AnnounceAsync(measurement, index, cancellationToken);
        Interlocked.Increment(ref _measured);
    }

    public Task StoppedClimbingAsync(PlannedConfig config, int configIndex, int concurrency, double p99Ms, int skippedPoints, CancellationToken cancellationToken)
    {
        logger.LogInformation(
            "{Config}: p99 {P99:F1} ms at concurrency {Concurrency} is past the budget limit; skipping {Skipped} higher concurrencies",
            config.Name, p99Ms, concurrency, skippedPoints);
        return run.ProgressAsync(
            (double)((configIndex + 1) * plan.Concurrencies.Count) / plan.Total,
            $"{config.Name}: p99 {p99Ms:F1} ms at concurrency {concurrency} is far past the latency budget; {skippedPoints} higher concurrencies skipped",
            cancellationToken);
    }

    public int Measured => _measured;

    private async Task AnnounceAsync(ProfileMeasurement measurement, int index, CancellationToken cancellationToken)
    {
        await run.Context.Publish(new ProfileMeasured(PipelineId, measurement, index, plan.Total), cancellationToken);
        await store.SaveAsync(PipelineId, new CheckpointedMeasurement(measurement, Published: true), cancellationToken);
    }

    private static string Describe(ProfiledConfig config) =>
        (config.DynamicBatching ? $"dynamic batching [{string.Join(", ", config.PreferredBatchSizes)}]" : "no dynamic batching")
        + $", {config.InstanceCount} instance" + (config.InstanceCount == 1 ? "" : "s");
}
