namespace InferencePipeline.Contracts;

/// <summary>The run is done; the figures are the ones the report shows.</summary>
public sealed record PipelineCompleted(
    Guid PipelineId,
    string ModelName,
    string BestConfigName,
    double DefaultThroughputPerSec,
    double OrtTunedThroughputPerSec,
    double BestThroughputPerSec,
    string ReportUri,
    string? Endpoint);
