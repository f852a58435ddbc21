namespace InferencePipeline.Contracts;

/// <summary>Where the chosen config goes.</summary>
/// <param name="Kind">Which kind of target.</param>
/// <param name="Endpoint">The KServe v2 endpoint for local/Triton targets; the endpoint name for Azure ML.</param>
/// <param name="Name">The served model's name; defaults to the pipeline's model name.</param>
/// <param name="AzureMl">For <see cref="DeployTargetKind.AzureMl"/>: instance type and count, auth mode, workspace.</param>
public sealed record DeployTarget(DeployTargetKind Kind, string? Endpoint = null, string? Name = null, AzureMlTarget? AzureMl = null)
{
    public static DeployTarget LocalServer { get; } = new(DeployTargetKind.LocalServer);
}

public enum DeployTargetKind
{
    /// <summary>The inference server the pipeline profiled on (embedded or Triton).</summary>
    LocalServer = 0,
    Triton = 1,
    AzureMl = 2,
    ContainerApps = 3,
    /// <summary>Stop after analysis: the report is the product.</summary>
    None = 4,
}
