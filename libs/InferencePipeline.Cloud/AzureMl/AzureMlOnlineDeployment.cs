using System.Text.Json.Nodes;
using InferencePipeline.Cloud.Arm;
using InferencePipeline.Onnx;

namespace InferencePipeline.Cloud.AzureMl;

/// <summary>
/// Deploys a checked bundle to a managed online endpoint through ARM, blue/green:
/// register the model, create or update the endpoint (keeping its traffic), create the new deployment beside the
/// live one with no traffic, smoke-test it directly, move all traffic to it, smoke-test through the endpoint.
/// A failure before the move deletes the new deployment and leaves the traffic where it was; a failed smoke test
/// after the move puts the traffic back, then deletes it. So a failed deployment never keeps traffic.
/// </summary>
public sealed class AzureMlOnlineDeployment(ArmRestClient arm, AzureMlWorkspace workspace, double smokeTolerance)
{
    public async Task<AzureMlDeploymentResult> DeployAsync(
        AzureMlDeploymentSpec spec, AzureMlBundleResult bundle, Func<double, string, Task> progress, CancellationToken ct)
    {
        InvalidDeploymentException.ThrowIfAny(spec.Problems());
        var location = await WorkspaceLocationAsync(ct);
        await progress(0.05, $"Workspace {workspace.Workspace} is in {location}");

        var modelId = await AzureMlModelUpload.RegisterAsync(arm, workspace, bundle.Repository, spec.ModelName, m => progress(0.2, m), ct);

        var endpointPath = AzureMlArmApi.Endpoint(workspace, spec.EndpointName);
        var existing = await arm.GetAsync(endpointPath, AzureMlArmApi.ApiVersion, ct);
        var traffic = Traffic(existing);
        var live = traffic.Where(t => t.Value > 0).OrderByDescending(t => t.Value).Select(t => t.Key).FirstOrDefault();
        var endpoint = await arm.PutAndWaitAsync(endpointPath, AzureMlArmApi.ApiVersion, AzureMlArmApi.EndpointBody(location, spec, traffic),
            $"Endpoint {spec.EndpointName}", m => progress(0.3, m), ct);
        await progress(0.35, existing is null ? $"Created endpoint {spec.EndpointName}" : $"Updated endpoint {spec.EndpointName}; live deployment: {live ?? "none"}");

        var target = spec with { DeploymentName = NextDeployment(spec.DeploymentName, live) };
        var deploymentPath = AzureMlArmApi.Deployment(workspace, spec.EndpointName, target.DeploymentName);
        var scoringUri = ScoringUri(endpoint, spec.EndpointName);
        try
        {
            await arm.PutAndWaitAsync(deploymentPath, AzureMlArmApi.ApiVersion, AzureMlArmApi.DeploymentBody(location, target, modelId),
                $"Deployment {target.DeploymentName}", m => progress(0.6, m), ct);
            await progress(0.65, $"Deployment {target.DeploymentName} is provisioned ({spec.InstanceCount} x {spec.InstanceType}) with no traffic");

            var key = await CredentialAsync(spec, ct);
            var direct = await SmokeAsync(scoringUri, key, target.DeploymentName, bundle, "before it gets traffic", ct);
            await progress(0.75, $"Smoke inference on {target.DeploymentName} matches ONNX Runtime ({direct})");

            var moved = new Dictionary<string, int>(traffic.ToDictionary(t => t.Key, _ => 0)) { [target.DeploymentName] = 100 };
            await arm.PutAndWaitAsync(endpointPath, AzureMlArmApi.ApiVersion, AzureMlArmApi.EndpointBody(location, spec, moved),
                $"Traffic to {target.DeploymentName}", m => progress(0.85, m), ct);
            try
            {
                var through = await SmokeAsync(scoringUri, key, null, bundle, "through the endpoint after the traffic moved", ct);
                await progress(1, $"{spec.EndpointName} serves {spec.ModelName} from {target.DeploymentName} with all traffic; smoke inference matches ({through})");
                return new AzureMlDeploymentResult(spec.EndpointName, target.DeploymentName, live, scoringUri, through);
            }
            catch (Exception e) when (e is SmokeTestFailedException or ArmRequestException or HttpRequestException)
            {
                await arm.PutAndWaitAsync(endpointPath, AzureMlArmApi.ApiVersion, AzureMlArmApi.EndpointBody(location, spec, traffic),
                    "Traffic rollback", m => progress(0.9, m), ct);
                throw new SmokeTestFailedException(
                    $"{e.Message} The traffic was rolled back to {Describe(traffic)}.", e);
            }
        }
        catch (Exception e) when (e is ArmRequestException or SmokeTestFailedException or HttpRequestException)
        {
            if (e is AzureCredentialException)
            {
                throw;
            }

            await RemoveAsync(deploymentPath, target.DeploymentName, progress, ct);
            var message = $"{e.Message} Deployment {target.DeploymentName} was deleted; {Describe(traffic)} still serves.";
            throw e is SmokeTestFailedException ? new SmokeTestFailedException(message, e) : new ArmRequestException(message, (e as ArmRequestException)?.Error, e);
        }
    }

    private async Task<string> WorkspaceLocationAsync(CancellationToken ct)
    {
        var ws = await arm.GetAsync(workspace.ResourceId, AzureMlArmApi.ApiVersion, ct)
                 ?? throw new ArmRequestException(
                     $"Workspace '{workspace.Workspace}' was not found in resource group '{workspace.ResourceGroup}' of subscription {workspace.SubscriptionId}; " +
                     "check the names (az ml workspace list -g <group>).");
        return ws["location"]?.GetValue<string>() ?? throw new ArmRequestException($"Workspace '{workspace.Workspace}' has no location.");
    }

    private async Task<OutputComparison> SmokeAsync(Uri scoringUri, string key, string? deployment, AzureMlBundleResult bundle, string when, CancellationToken ct)
    {
        var config = bundle.Entry.Document.Config.Clone();
        config.Name = bundle.Entry.ModelName;
        var comparison = await TritonRestSmokeTest.RunAsync(arm, scoringUri, key, deployment, config, bundle.Entry.ModelPath, ct);
        return comparison.Within(smokeTolerance)
            ? comparison
            : throw new SmokeTestFailedException(
                $"The smoke inference {when} does not answer like ONNX Runtime on the same input: {comparison} > tolerance {smokeTolerance:G3}.");
    }

    /// <summary>The endpoint key (key auth) or a fresh Azure ML token (aml_token auth) for the scoring requests.</summary>
    private async Task<string> CredentialAsync(AzureMlDeploymentSpec spec, CancellationToken ct)
    {
        var endpointPath = AzureMlArmApi.Endpoint(workspace, spec.EndpointName);
        if (spec.AuthMode == AzureMlAuthMode.Key)
        {
            var keys = await arm.PostAsync($"{endpointPath}/listKeys", AzureMlArmApi.ApiVersion, ct);
            return keys?["primaryKey"]?.GetValue<string>() ?? throw new ArmRequestException($"listKeys of {spec.EndpointName} returned no primaryKey.");
        }

        var token = await arm.PostAsync($"{endpointPath}/token", AzureMlArmApi.ApiVersion, ct);
        return token?["accessToken"]?.GetValue<string>() ?? throw new ArmRequestException($"token of {spec.EndpointName} returned no accessToken.");
    }

    /// <summary>Deletes a deployment that must not stay; when that fails too, says how to remove it by hand.</summary>
    private async Task RemoveAsync(string deploymentPath, string name, Func<double, string, Task> progress, CancellationToken ct)
    {
        try
        {
            await arm.DeleteAndWaitAsync(deploymentPath, AzureMlArmApi.ApiVersion, $"Deleting deployment {name}", m => progress(0.95, m), ct);
        }
        catch (ArmRequestException e)
        {
            throw new ArmRequestException(
                $"Deployment {name} failed and could not be deleted ({e.Message}); it has no traffic. Delete it with " +
                $"az ml online-deployment delete --name {name} --endpoint-name <endpoint> --yes.", e.Error, e);
        }
    }

    /// <summary>The new deployment's name: the asked one unless it is the live one, then the other colour.</summary>
    public static string NextDeployment(string asked, string? live)
    {
        if (asked != live)
        {
            return asked;
        }

        return asked switch
        {
            AzureMlDeploymentSpec.Blue => AzureMlDeploymentSpec.Green,
            AzureMlDeploymentSpec.Green => AzureMlDeploymentSpec.Blue,
            _ => throw new InvalidDeploymentException(
                [$"Deployment '{asked}' serves the endpoint's traffic now; name a new deployment (or use blue/green, which alternate by themselves)."]),
        };
    }

    private static Dictionary<string, int> Traffic(JsonNode? endpoint)
    {
        var traffic = new Dictionary<string, int>(StringComparer.Ordinal);
        if (endpoint?["properties"]?["traffic"] is JsonObject split)
        {
            foreach (var (name, value) in split)
            {
                traffic[name] = value?.GetValue<int>() ?? 0;
            }
        }

        return traffic;
    }

    private static Uri ScoringUri(JsonNode? endpoint, string name)
    {
        var uri = endpoint?["properties"]?["scoringUri"]?.GetValue<string>();
        return uri is not null && Uri.TryCreate(uri, UriKind.Absolute, out var parsed)
            ? parsed
            : throw new ArmRequestException($"Endpoint {name} reports no scoring URI after provisioning: {endpoint?.ToJsonString()}");
    }

    private static string Describe(IReadOnlyDictionary<string, int> traffic) =>
        traffic.Any(t => t.Value > 0) ? string.Join(", ", traffic.Where(t => t.Value > 0).Select(t => $"{t.Key} {t.Value}%")) : "no deployment (the endpoint had no traffic)";
}

/// <summary>The endpoint, the deployment that now has all traffic, the one it replaced (kept at 0%), and the smoke result.</summary>
public sealed record AzureMlDeploymentResult(string Endpoint, string Deployment, string? Previous, Uri ScoringUri, OutputComparison Smoke);

/// <summary>The deployed model does not answer like ONNX Runtime on the same input.</summary>
public sealed class SmokeTestFailedException(string message, Exception? inner = null) : Exception(message, inner);
