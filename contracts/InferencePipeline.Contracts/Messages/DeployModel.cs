namespace InferencePipeline.Contracts;

/// <summary>Deployer command: serve the chosen config and prove it answers like the model does.</summary>
public sealed record DeployModel(
    Guid PipelineId,
    string ModelName,
    string BestConfigUri,
    DeployTarget Target);
