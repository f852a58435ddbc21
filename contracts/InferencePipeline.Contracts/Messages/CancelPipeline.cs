namespace InferencePipeline.Contracts;

public sealed record CancelPipeline(Guid PipelineId, string Reason);
