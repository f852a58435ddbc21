using System.Collections.Concurrent;

namespace InferencePipeline.TritonProfiler.Checkpoints;

/// <summary>
/// The store when no Redis is configured (CLI demo, tests): survives redelivery within the process,
/// not a restart of it.
/// </summary>
public sealed class InMemoryMeasurementStore : IMeasurementStore
{
    private readonly ConcurrentDictionary<Guid, ConcurrentDictionary<string, CheckpointedMeasurement>> _pipelines = new();

    public Task<IReadOnlyDictionary<string, CheckpointedMeasurement>> LoadAsync(Guid pipelineId, CancellationToken cancellationToken)
    {
        IReadOnlyDictionary<string, CheckpointedMeasurement> points = _pipelines.TryGetValue(pipelineId, out var stored)
            ? new Dictionary<string, CheckpointedMeasurement>(stored)
            : new Dictionary<string, CheckpointedMeasurement>();
        return Task.FromResult(points);
    }

    public Task SaveAsync(Guid pipelineId, CheckpointedMeasurement measurement, CancellationToken cancellationToken)
    {
        _pipelines.GetOrAdd(pipelineId, _ => new())[measurement.Key] = measurement;
        return Task.CompletedTask;
    }
}
