using InferencePipeline.Contracts;

namespace InferencePipeline.TritonProfiler.Checkpoints;

/// <summary>
/// A measurement as the profiler checkpoints it. <see cref="Published"/> turns true once its
/// <see cref="ProfileMeasured"/> went out: a profile resumed after a crash between the checkpoint and the
/// publish re-publishes that one point instead of measuring it again.
/// </summary>
public sealed record CheckpointedMeasurement(ProfileMeasurement Measurement, bool Published)
{
    public string Key => MeasurementKey.For(Measurement.Config.Name, Measurement.Concurrency);
}
