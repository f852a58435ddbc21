using System.Globalization;
using System.Text;

namespace InferencePipeline.Cloud.AzureMl;

/// <summary>
/// endpoint.yml and deployment.yml in Azure ML's CLI v2 schema (managedOnlineEndpoint / managedOnlineDeployment),
/// for a no-code Triton deployment: the model is a <c>triton_model</c> whose path is the repository directory, so
/// neither an environment nor a scoring script is needed. Every value written is a validated name or number, so
/// nothing needs YAML quoting except the version, which Azure ML reads as a string.
/// </summary>
public static class AzureMlYaml
{
    public const string EndpointSchema = "https://azuremlschemas.azureedge.net/latest/managedOnlineEndpoint.schema.json";
    public const string DeploymentSchema = "https://azuremlschemas.azureedge.net/latest/managedOnlineDeployment.schema.json";
    public const string TritonModelType = "triton_model";

    public static string Endpoint(AzureMlDeploymentSpec spec) =>
        new StringBuilder()
            .Append("$schema: ").AppendLine(EndpointSchema)
            .Append("name: ").AppendLine(spec.EndpointName)
            .Append("auth_mode: ").AppendLine(AzureMlAuthModes.YamlName(spec.AuthMode))
            .ToString();

    /// <param name="repositoryPath">The Triton repository, relative to the YAML file (az ml uploads it from there).</param>
    /// <param name="modelVersion">The model asset's version.</param>
    public static string Deployment(AzureMlDeploymentSpec spec, string repositoryPath, string modelVersion) =>
        new StringBuilder()
            .Append("$schema: ").AppendLine(DeploymentSchema)
            .Append("name: ").AppendLine(spec.DeploymentName)
            .Append("endpoint_name: ").AppendLine(spec.EndpointName)
            .AppendLine("model:")
            .Append("  name: ").AppendLine(spec.ModelName)
            .Append("  version: \"").Append(modelVersion).AppendLine("\"")
            .Append("  path: ").AppendLine(repositoryPath)
            .Append("  type: ").AppendLine(TritonModelType)
            .Append("instance_type: ").AppendLine(spec.InstanceType)
            .Append("instance_count: ").AppendLine(spec.InstanceCount.ToString(CultureInfo.InvariantCulture))
            .ToString();
}
