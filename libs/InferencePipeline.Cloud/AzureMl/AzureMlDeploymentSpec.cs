namespace InferencePipeline.Cloud.AzureMl;

/// <summary>
/// One Triton model on an Azure ML managed online endpoint: what endpoint.yml and deployment.yml say and what the
/// ARM requests carry.
/// </summary>
/// <param name="EndpointName">The online endpoint (also the scoring URI's host name).</param>
/// <param name="ModelName">The Triton model's directory and served name in the repository.</param>
/// <param name="InstanceType">An Azure VM size Azure ML offers for managed endpoints, e.g. Standard_NC6s_v3.</param>
/// <param name="InstanceCount">How many instances serve the deployment.</param>
/// <param name="AuthMode">How clients authenticate.</param>
/// <param name="DeploymentName">The deployment under the endpoint; the bundle's default is "blue".</param>
public sealed record AzureMlDeploymentSpec(
    string EndpointName,
    string ModelName,
    string InstanceType,
    int InstanceCount = 1,
    AzureMlAuthMode AuthMode = AzureMlAuthMode.Key,
    string DeploymentName = AzureMlDeploymentSpec.Blue)
{
    public const string Blue = "blue";
    public const string Green = "green";

    /// <summary>Azure's VM sizes all start so; Azure ML rejects anything else as an instance type.</summary>
    public const string InstanceTypePrefix = "Standard_";

    /// <summary>Every problem Azure ML would refuse the spec for, each saying what to do; empty when there is none.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (AzureMlNames.EndpointProblem(EndpointName) is { } endpoint)
        {
            problems.Add(endpoint);
        }

        if (AzureMlNames.DeploymentProblem(DeploymentName) is { } deployment)
        {
            problems.Add(deployment);
        }

        if (Contracts.ModelNames.Problem(ModelName) is { } model)
        {
            problems.Add(model);
        }

        if (string.IsNullOrWhiteSpace(InstanceType)
            || !InstanceType.StartsWith(InstanceTypePrefix, StringComparison.OrdinalIgnoreCase)
            || InstanceType.Length == InstanceTypePrefix.Length
            || !InstanceType.All(c => char.IsAsciiLetterOrDigit(c) || c == '_'))
        {
            problems.Add($"Instance type '{InstanceType}' is not an Azure VM size: give one such as Standard_NC6s_v3 (V100) or Standard_NC4as_T4_v3 (T4) for Triton on a GPU, Standard_DS3_v2 on a CPU.");
        }

        if (InstanceCount < 1)
        {
            problems.Add($"Instance count {InstanceCount} must be at least 1.");
        }

        return problems;
    }

    /// <summary>
    /// Whether the instance type has an NVIDIA GPU: Azure's N-series (NC, ND, NV, ...) do, the rest do not. A Triton
    /// config asking for KIND_GPU instances fails to load on a size without one.
    /// </summary>
    public bool HasGpu => InstanceType.StartsWith(InstanceTypePrefix + "N", StringComparison.OrdinalIgnoreCase);
}
