namespace InferencePipeline.Contracts;

/// <summary>The model is served at <see cref="Endpoint"/>; the smoke inference matched ONNX Runtime within <see cref="MaxAbsDiff"/>.</summary>
/// <param name="NextSteps">
/// What is left for the user, when the stage only prepared part of the deployment (an Azure ML bundle without a
/// workspace to deploy it to: the az ml commands); null when nothing is.
/// </param>
public sealed record ModelDeployed(
    Guid PipelineId,
    string ModelName,
    string ServedModelName,
    string Endpoint,
    string RepositoryUri,
    double MaxAbsDiff,
    string? NextSteps = null);
