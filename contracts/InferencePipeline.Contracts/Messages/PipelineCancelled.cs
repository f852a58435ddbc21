namespace InferencePipeline.Contracts;

public sealed record PipelineCancelled(Guid PipelineId, PipelineStage Stage, string Reason);
