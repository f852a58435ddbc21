namespace InferencePipeline.Contracts;

/// <summary>
/// How an Azure ML managed online endpoint serves the chosen config (the endpoint's name is
/// <see cref="DeployTarget.Endpoint"/>). Without the workspace's subscription, resource group and name the deployer
/// only writes the bundle and the az ml commands that deploy it.
/// </summary>
/// <param name="InstanceType">Azure VM size, e.g. Standard_NC6s_v3.</param>
/// <param name="InstanceCount">How many instances serve the deployment.</param>
/// <param name="AuthMode">"key" or "aml_token", as az ml spells them.</param>
public sealed record AzureMlTarget(
    string InstanceType,
    int InstanceCount = 1,
    string AuthMode = "key",
    string? SubscriptionId = null,
    string? ResourceGroup = null,
    string? Workspace = null)
{
    /// <summary>True when the workspace is named, so the deployer deploys through Azure Resource Manager.</summary>
    public bool HasWorkspace =>
        !string.IsNullOrWhiteSpace(SubscriptionId) || !string.IsNullOrWhiteSpace(ResourceGroup) || !string.IsNullOrWhiteSpace(Workspace);
}
