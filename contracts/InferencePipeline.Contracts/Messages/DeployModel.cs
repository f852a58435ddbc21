namespace InferencePipeline.Contracts;

/// <summary>
/// Deployer command: serve the chosen config and prove it answers like the model does, on the first step of
/// <see cref="InputDataUri"/> (perf_analyzer JSON) when given, else on generated inputs. <see cref="Inputs"/>
/// (<see cref="ModelConverted.Inputs"/>) give the sizes generated inputs take for dims the config leaves open;
/// without them it picks a small size of its own.
/// </summary>
public sealed record DeployModel(
    Guid PipelineId,
    string ModelName,
    string BestConfigUri,
    DeployTarget Target,
    IReadOnlyList<TensorSpec>? Inputs = null,
    string? InputDataUri = null);
