namespace InferencePipeline.Contracts;

/// <summary>All measurements are in; <see cref="ResultsUri"/> names the JSON file that holds them.</summary>
public sealed record ModelProfiled(
    Guid PipelineId,
    string ModelName,
    string ResultsUri,
    int MeasurementCount);
