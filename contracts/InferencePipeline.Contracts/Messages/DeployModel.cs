namespace InferencePipeline.Contracts;

/// <summary>
/// Deployer command: serve the chosen config and prove it answers like the model does, on the first step of
/// <see cref="InputDataUri"/> (perf_analyzer JSON) when given, else on generated inputs.
/// </summary>
public sealed record DeployModel(
    Guid PipelineId,
    string ModelName,
    string BestConfigUri,
    DeployTarget Target,
    string? InputDataUri = null);
