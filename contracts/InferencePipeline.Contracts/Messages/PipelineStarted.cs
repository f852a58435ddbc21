namespace InferencePipeline.Contracts;

public sealed record PipelineStarted(Guid PipelineId, string ModelName, DateTimeOffset StartedAt);
