namespace InferencePipeline.Contracts;

/// <summary>A stage gave up: <see cref="Reason"/> says what was wrong and what to do about it.</summary>
public sealed record StageFailed(Guid PipelineId, PipelineStage Stage, string Reason);
