using System.Text.Json.Nodes;

namespace InferencePipeline.Cloud.AzureMl;

/// <summary>
/// The Azure ML resources the deployment touches, as ARM paths and request bodies of the stable
/// Microsoft.MachineLearningServices API (docs/azure-ml-deployment.md lists the calls in order).
/// </summary>
public static class AzureMlArmApi
{
    /// <summary>The stable api-version of Microsoft.MachineLearningServices every call uses.</summary>
    public const string ApiVersion = "2024-04-01";

    /// <summary>The datastore every workspace has, backed by its storage account's blob container.</summary>
    public const string DefaultDatastore = "workspaceblobstore";

    /// <summary>The blob service version of the upload requests.</summary>
    public const string StorageApiVersion = "2021-08-06";

    public static string Endpoint(AzureMlWorkspace w, string endpoint) => $"{w.ResourceId}/onlineEndpoints/{endpoint}";

    public static string Deployment(AzureMlWorkspace w, string endpoint, string deployment) => $"{Endpoint(w, endpoint)}/deployments/{deployment}";

    public static string Datastore(AzureMlWorkspace w) => $"{w.ResourceId}/datastores/{DefaultDatastore}";

    public static string ModelVersion(AzureMlWorkspace w, string model, string version) => $"{w.ResourceId}/models/{model}/versions/{version}";

    /// <summary>The endpoint with its auth mode and the traffic split (deployment name → percent, 0 or summing to 100).</summary>
    public static JsonObject EndpointBody(string location, AzureMlDeploymentSpec spec, IReadOnlyDictionary<string, int> traffic)
    {
        var split = new JsonObject();
        foreach (var (name, percent) in traffic)
        {
            split[name] = percent;
        }

        return new JsonObject
        {
            ["location"] = location,
            ["identity"] = new JsonObject { ["type"] = "SystemAssigned" },
            ["properties"] = new JsonObject
            {
                ["authMode"] = AzureMlAuthModes.ArmName(spec.AuthMode),
                ["description"] = $"Triton model '{spec.ModelName}', deployed by inferpipe",
                ["traffic"] = split,
            },
        };
    }

    /// <summary>
    /// A managed deployment of a registered triton_model: no environment or scoring script, Azure ML runs Triton on
    /// the model repository itself. sku.capacity is the instance count.
    /// </summary>
    public static JsonObject DeploymentBody(string location, AzureMlDeploymentSpec spec, string modelId) => new()
    {
        ["location"] = location,
        ["sku"] = new JsonObject { ["name"] = "Default", ["capacity"] = spec.InstanceCount },
        ["properties"] = new JsonObject
        {
            ["endpointComputeType"] = "Managed",
            ["model"] = modelId,
            ["instanceType"] = spec.InstanceType,
            ["scaleSettings"] = new JsonObject { ["scaleType"] = "Default" },
            ["description"] = $"Triton model '{spec.ModelName}'",
        },
    };

    /// <summary>A model version of type triton_model whose files are the uploaded repository.</summary>
    public static JsonObject ModelVersionBody(string modelUri, string description) => new()
    {
        ["properties"] = new JsonObject
        {
            ["modelType"] = AzureMlYaml.TritonModelType,
            ["modelUri"] = modelUri,
            ["description"] = description,
        },
    };

    /// <summary>The azureml:// URI of a path on the workspace's default datastore, as model versions name their files.</summary>
    public static string DatastoreUri(AzureMlWorkspace w, string path) =>
        $"azureml://subscriptions/{w.SubscriptionId}/resourcegroups/{w.ResourceGroup}/workspaces/{w.Workspace}/datastores/{DefaultDatastore}/paths/{path}";
}
