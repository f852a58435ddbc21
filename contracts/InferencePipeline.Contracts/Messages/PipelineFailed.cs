namespace InferencePipeline.Contracts;

public sealed record PipelineFailed(Guid PipelineId, PipelineStage Stage, string Reason);
