namespace InferencePipeline.Contracts;

/// <summary>The model is served at <see cref="Endpoint"/>; the smoke inference matched ONNX Runtime within <see cref="MaxAbsDiff"/>.</summary>
public sealed record ModelDeployed(
    Guid PipelineId,
    string ModelName,
    string ServedModelName,
    string Endpoint,
    string RepositoryUri,
    double MaxAbsDiff);
