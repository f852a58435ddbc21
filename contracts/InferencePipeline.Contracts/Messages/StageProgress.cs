namespace InferencePipeline.Contracts;

/// <summary>Progress of a long stage, <see cref="Fraction"/> in [0, 1].</summary>
public sealed record StageProgress(Guid PipelineId, PipelineStage Stage, double Fraction, string Message);
