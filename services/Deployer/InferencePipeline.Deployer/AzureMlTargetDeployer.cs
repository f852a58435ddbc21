using InferencePipeline.Artifacts;
using InferencePipeline.Cloud.Arm;
using InferencePipeline.Cloud.AzureMl;
using InferencePipeline.Contracts;
using InferencePipeline.Stages;

namespace InferencePipeline.Deployer;

/// <summary>
/// The Azure ML target of the deployer: the chosen entry as an Azure ML bundle
/// (<c>artifacts/&lt;id&gt;/deployer/azureml/</c>: endpoint.yml, deployment.yml, model_repository/), then, when the
/// target names a workspace, the blue/green deployment through Azure Resource Manager with its smoke test on the
/// endpoint. Without a workspace the bundle and the az ml commands that deploy it are the result.
/// </summary>
public sealed class AzureMlTargetDeployer(ArtifactStore artifacts, AzureMlConnection connection, DeployerOptions options)
{
    public const string BundleFolder = "azureml";

    /// <summary>What is wrong with an Azure ML target, in words the user can act on; null when nothing is.</summary>
    public static string? Problem(DeployTarget target, string servedName)
    {
        if (target.AzureMl is not { } azureMl)
        {
            return "An AzureMl deployment target needs its AzureMl settings (at least InstanceType, e.g. Standard_NC6s_v3).";
        }

        string? problem = null;
        try
        {
            var problems = Spec(target, servedName).Problems().ToList();
            if (azureMl.HasWorkspace)
            {
                problems.AddRange(AzureMlWorkspace.Problems(azureMl.SubscriptionId, azureMl.ResourceGroup, azureMl.Workspace));
            }

            problem = problems.Count == 0 ? null : string.Join(" ", problems);
        }
        catch (ArgumentException e)
        {
            problem = e.Message;
        }

        return problem;
    }

    public static AzureMlDeploymentSpec Spec(DeployTarget target, string servedName) =>
        new(target.Endpoint ?? "", servedName, target.AzureMl!.InstanceType, target.AzureMl.InstanceCount, AzureMlAuthModes.Parse(target.AzureMl.AuthMode));

    /// <param name="repository">The deployable repository the deployer wrote (its served entry is bundled).</param>
    /// <param name="local">Where the entry was proven on the local server, and how close it answered: the result when no workspace is named.</param>
    public async Task<ModelDeployed> DeployAsync(StageRun<DeployModel> run, string servedName, string repository, (Uri Endpoint, double MaxAbsDiff) local)
    {
        var request = run.Command;
        var target = request.Target;
        var spec = Spec(target, servedName);
        var bundleUri = ArtifactStore.UriFor(request.PipelineId, DeployModelConsumer.Stage, BundleFolder);
        var azureMl = target.AzureMl!;
        var workspace = azureMl.HasWorkspace ? new AzureMlWorkspace(azureMl.SubscriptionId!, azureMl.ResourceGroup!, azureMl.Workspace!) : null;
        try
        {
            var bundle = await AzureMlBundle.WriteAsync(spec, repository, artifacts.PathFor(bundleUri), workspace, run.CancellationToken);
            var commands = string.Join("\n", bundle.Commands);
            await run.ProgressAsync(0.8, $"Wrote the Azure ML bundle {bundleUri}");
            if (workspace is null)
            {
                await run.ProgressAsync(1, $"No Azure ML workspace was named, so nothing was sent to Azure; deploy the bundle with:\n{commands}");
                return new ModelDeployed(request.PipelineId, request.ModelName, servedName, local.Endpoint.ToString(), bundleUri, local.MaxAbsDiff,
                    $"Deploy the Azure ML bundle {bundleUri} with:\n{commands}");
            }

            var deployment = new AzureMlOnlineDeployment(connection.CreateClient(), workspace, options.SmokeTolerance);
            var result = await deployment.DeployAsync(spec, bundle, (fraction, message) => run.ProgressAsync(0.8 + (0.2 * fraction), message), run.CancellationToken);
            return new ModelDeployed(request.PipelineId, request.ModelName, servedName, result.ScoringUri.ToString(), bundleUri, result.Smoke.MaxAbsDiff);
        }
        catch (Exception e) when (e is InvalidDeploymentException or ArmRequestException or SmokeTestFailedException or HttpRequestException)
        {
            throw new DeploymentFailedException($"Azure ML deployment of '{servedName}' to endpoint '{spec.EndpointName}' failed: {e.Message}", e);
        }
    }
}
