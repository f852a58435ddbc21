namespace InferencePipeline.Contracts;

/// <summary>One measurement, published as it is taken: progress for watchers, a checkpoint for the profiler.</summary>
public sealed record ProfileMeasured(
    Guid PipelineId,
    ProfileMeasurement Measurement,
    int Index,
    int Total);
