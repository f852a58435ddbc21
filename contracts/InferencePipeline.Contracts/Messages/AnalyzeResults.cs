namespace InferencePipeline.Contracts;

/// <summary>Analyzer command: rank the measurements under the constraints and write the report.</summary>
public sealed record AnalyzeResults(
    Guid PipelineId,
    string ModelName,
    string ResultsUri,
    PipelineConstraints Constraints,
    IReadOnlyList<Objective> Objectives);
