using InferencePipeline.Contracts;

namespace InferencePipeline.Cli.Composition;

/// <summary>How a followed pipeline ended, with what the console shows about it.</summary>
public sealed record PipelineOutcome(
    Guid PipelineId,
    PipelineCompleted? Completed,
    PipelineFailed? Failed,
    PipelineCancelled? Cancelled,
    ConvertedSummary? Converted,
    OrtTuned? Tuned,
    ModelProfiled? Profiled,
    ResultsAnalyzed? Analyzed,
    ModelDeployed? Deployed,
    IReadOnlyList<ProfileMeasurement> Measurements)
{
    public bool Succeeded => Completed is not null;
}

/// <summary>The converter's result without the tensors, for the summary.</summary>
public sealed record ConvertedSummary(string OnnxUri, string DefaultConfigUri, int MaxBatchSize);
