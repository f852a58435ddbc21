namespace InferencePipeline.TritonProfiler.Checkpoints;

/// <summary>
/// Where the profiler checkpoints each measurement before announcing it, so a redelivered
/// ProfileModel resumes where the last attempt stopped instead of measuring everything again.
/// </summary>
public interface IMeasurementStore
{
    /// <summary>Every checkpointed point of a pipeline, by <see cref="MeasurementKey"/>.</summary>
    Task<IReadOnlyDictionary<string, CheckpointedMeasurement>> LoadAsync(Guid pipelineId, CancellationToken cancellationToken);

    /// <summary>Adds or replaces one point.</summary>
    Task SaveAsync(Guid pipelineId, CheckpointedMeasurement measurement, CancellationToken cancellationToken);
}
