using System.Text.Json.Nodes;
using InferencePipeline.Cloud.Arm;

namespace InferencePipeline.Cloud.Tests.AzureMl;

/// <summary>
/// The whole ARM sequence against a local HTTPS server that answers as Azure ML does, with a real embedded
/// Triton-compatible server behind each deployment: the request bodies, the long-running operations, blue/green
/// traffic, the smoke inference with the endpoint key, and each way it can go wrong leaving no traffic on a bad
/// deployment.
/// </summary>
public sealed class AzureMlOnlineDeploymentTests
{
    [Fact]
    public async Task First_deployment_registers_the_model_creates_the_endpoint_and_moves_all_traffic_to_blue()
    {
        await using var run = await ArmDeploymentRun.StartAsync();

        var result = await run.DeployAsync();

        Assert.Equal("blue", result.Deployment);
        Assert.Null(result.Previous);
        Assert.Equal(new Uri("https://add-endpoint.westeurope.inference.ml.azure.com/score"), result.ScoringUri);
        Assert.InRange(result.Smoke.MaxAbsDiff, 0, 1e-6);
        Assert.Equal(new Dictionary<string, int> { ["blue"] = 100 }, run.Azure.TrafficOf("add-endpoint"));

        // The model: every repository file uploaded to the default datastore, then one triton_model version pointing at them.
        var version = run.Azure.Requests.Single(r => r.Method == "PUT" && r.Path.Contains("/models/add/versions/"));
        var modelUri = version.Body!["properties"]!["modelUri"]!.GetValue<string>();
        Assert.Equal("triton_model", version.Body["properties"]!["modelType"]!.GetValue<string>());
        Assert.StartsWith("azureml://subscriptions/00000000-1111-2222-3333-444444444444/resourcegroups/ml-rg/workspaces/ml-ws/datastores/workspaceblobstore/paths/inferpipe/add/", modelUri);
        var prefix = modelUri[(modelUri.IndexOf("/paths/", StringComparison.Ordinal) + 7)..];
        Assert.Equal([$"{prefix}/add/1/model.onnx", $"{prefix}/add/config.pbtxt"], run.Azure.BlobNames.Order());

        // The endpoint, then the deployment: bodies as the API requires them.
        var endpointPuts = run.Azure.Requests.Where(r => r.Method == "PUT" && r.Path.EndsWith("/onlineEndpoints/add-endpoint", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, endpointPuts.Count);
        Assert.Equal("westeurope", endpointPuts[0].Body!["location"]!.GetValue<string>());
        Assert.Equal("Key", endpointPuts[0].Body!["properties"]!["authMode"]!.GetValue<string>());
        Assert.Empty(endpointPuts[0].Body!["properties"]!["traffic"]!.AsObject());
        Assert.Equal(100, endpointPuts[1].Body!["properties"]!["traffic"]!["blue"]!.GetValue<int>());

        var deployment = run.Azure.Requests.Single(r => r.Method == "PUT" && r.Path.EndsWith("/deployments/blue", StringComparison.Ordinal)).Body!;
        Assert.Equal("Managed", deployment["properties"]!["endpointComputeType"]!.GetValue<string>());
        Assert.Equal("Standard_NC6s_v3", deployment["properties"]!["instanceType"]!.GetValue<string>());
        Assert.EndsWith($"/workspaces/ml-ws/models/add/versions/{prefix.Split('/')[2]}", deployment["properties"]!["model"]!.GetValue<string>());
        Assert.Equal(2, deployment["sku"]!["capacity"]!.GetValue<int>());

        // The order: nothing gets traffic before its smoke test passed.
        Assert.Equal(
        [
            $"PUT versions/{prefix.Split('/')[2]}",
            "PUT onlineEndpoints/add-endpoint",
            "PUT deployments/blue",
            "POST add-endpoint/listKeys",
            "PUT onlineEndpoints/add-endpoint",
        ], run.AcceptedArmWrites());
        var scoring = run.Azure.Requests.Where(r => r.Host.EndsWith("inference.ml.azure.com", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, scoring.Count);
        Assert.All(scoring, r => Assert.Equal((200, "/v2/models/add/infer"), (r.Status, r.Path)));

        // Every ARM call carried the api-version; the operations were followed through their states, at the pace Azure asked.
        Assert.All(run.Azure.Requests.Where(r => r.Host == "management.azure.com"), r => Assert.Contains("api-version=2024-04-01", r.Query));
        Assert.Contains("Deployment blue: InProgress", run.Progress);
        Assert.Contains("Deployment blue: Succeeded", run.Progress);
        Assert.Contains(TimeSpan.FromSeconds(5), run.Time.Waits);
    }

    [Fact]
    public async Task Next_deployment_goes_green_beside_live_blue_and_keeps_blue_at_zero()
    {
        await using var run = await ArmDeploymentRun.StartAsync();
        await run.SeedLiveAsync("blue");

        var result = await run.DeployAsync();

        Assert.Equal("green", result.Deployment);
        Assert.Equal("blue", result.Previous);
        Assert.Equal(new Dictionary<string, int> { ["blue"] = 0, ["green"] = 100 }, run.Azure.TrafficOf("add-endpoint"));
        Assert.Equal(["blue", "green"], run.Azure.DeploymentsOf("add-endpoint"));
        // Updating the endpoint kept blue's traffic until green had passed its smoke test.
        var firstEndpointPut = run.Azure.Requests.First(r => r.Method == "PUT" && r.Path.EndsWith("/onlineEndpoints/add-endpoint", StringComparison.Ordinal));
        Assert.Equal(100, firstEndpointPut.Body!["properties"]!["traffic"]!["blue"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_new_deployment_answering_wrong_is_deleted_before_it_gets_traffic()
    {
        await using var run = await ArmDeploymentRun.StartAsync();
        await run.SeedLiveAsync("blue");
        run.Azure.AnswersWrong.Add("green");

        var error = await Assert.ThrowsAsync<SmokeTestFailedException>(() => run.DeployAsync());

        Assert.Contains("does not answer like ONNX Runtime", error.Message);
        Assert.Contains("Deployment green was deleted; blue 100% still serves", error.Message);
        Assert.Equal(new Dictionary<string, int> { ["blue"] = 100 }, run.Azure.TrafficOf("add-endpoint"));
        Assert.Equal(["blue"], run.Azure.DeploymentsOf("add-endpoint"));
    }

    [Fact]
    public async Task A_failed_smoke_test_after_the_traffic_moved_rolls_the_traffic_back()
    {
        await using var run = await ArmDeploymentRun.StartAsync();
        await run.SeedLiveAsync("blue");
        run.Azure.TrafficAnswersWrong = true;

        var error = await Assert.ThrowsAsync<SmokeTestFailedException>(() => run.DeployAsync());

        Assert.Contains("through the endpoint after the traffic moved", error.Message);
        Assert.Contains("The traffic was rolled back to blue 100%", error.Message);
        Assert.Equal(new Dictionary<string, int> { ["blue"] = 100 }, run.Azure.TrafficOf("add-endpoint"));
        Assert.Equal(["blue"], run.Azure.DeploymentsOf("add-endpoint"));
        // Endpoint kept, green made, traffic moved, traffic moved back, and only then green deleted.
        Assert.Equal(
            ["PUT onlineEndpoints/add-endpoint", "PUT deployments/green", "PUT onlineEndpoints/add-endpoint", "PUT onlineEndpoints/add-endpoint", "DELETE deployments/green"],
            run.AcceptedArmWrites().Where(w => !w.StartsWith("PUT versions", StringComparison.Ordinal) && !w.StartsWith("POST", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Out_of_quota_fails_with_what_to_do_and_leaves_no_deployment()
    {
        await using var run = await ArmDeploymentRun.StartAsync();
        run.Azure.OutOfQuota = true;

        var error = await Assert.ThrowsAsync<ArmRequestException>(() => run.DeployAsync());

        Assert.Contains("no quota left", error.Message);
        Assert.Contains("QuotaExceeded", error.Message);
        Assert.Contains("Request more quota", error.Message);
        Assert.Contains("Deployment blue was deleted", error.Message);
        Assert.Empty(run.Azure.DeploymentsOf("add-endpoint"));
        Assert.Empty(run.Azure.TrafficOf("add-endpoint"));
    }

    [Fact]
    public async Task A_conflicting_operation_on_the_endpoint_fails_before_any_deployment_is_made()
    {
        await using var run = await ArmDeploymentRun.StartAsync();
        await run.SeedLiveAsync("blue");
        run.Azure.EndpointBusy = true;

        var error = await Assert.ThrowsAsync<ArmRequestException>(() => run.DeployAsync());

        Assert.Contains("Conflict", error.Message);
        Assert.Contains("another operation is still running", error.Message);
        Assert.DoesNotContain(run.Azure.Requests, r => r.Path.EndsWith("/deployments/green", StringComparison.Ordinal));
        Assert.Equal(new Dictionary<string, int> { ["blue"] = 100 }, run.Azure.TrafficOf("add-endpoint"));
    }

    [Fact]
    public async Task Throttled_requests_are_sent_again_after_the_retry_after_azure_asks_for()
    {
        await using var run = await ArmDeploymentRun.StartAsync();
        run.Azure.ThrottleNext = 2;
        run.Azure.RetryAfterSeconds = 7;

        var result = await run.DeployAsync();

        Assert.Equal("blue", result.Deployment);
        Assert.Equal(2, run.Azure.Requests.Count(r => r.Status == 429));
        Assert.Equal(2, run.Time.Waits.Count(w => w == TimeSpan.FromSeconds(7)));
    }

    [Fact]
    public async Task Throttling_that_does_not_stop_fails_naming_the_wait_and_creates_nothing()
    {
        await using var run = await ArmDeploymentRun.StartAsync();
        run.Azure.ThrottleNext = 1000;

        var error = await Assert.ThrowsAsync<ArmRequestException>(() => run.DeployAsync(options: new ArmOptions { MaxRetries = 2 }));

        Assert.Contains("429 TooManyRequests after 3 tries", error.Message);
        Assert.Contains("wait 7 s", error.Message);
        Assert.Empty(run.AcceptedArmWrites());
    }

    [Fact]
    public async Task A_retry_after_longer_than_allowed_fails_at_once()
    {
        await using var run = await ArmDeploymentRun.StartAsync();
        run.Azure.ThrottleNext = 1;
        run.Azure.RetryAfterSeconds = 3600;

        var error = await Assert.ThrowsAsync<ArmRequestException>(() => run.DeployAsync());

        Assert.Contains("after 1 tries (it asks to wait 3600 s)", error.Message);
        Assert.DoesNotContain(TimeSpan.FromSeconds(3600), run.Time.Waits);
    }

    [Fact]
    public async Task An_expired_credential_fails_asking_to_sign_in_again_and_changes_nothing()
    {
        await using var run = await ArmDeploymentRun.StartAsync();

        var error = await Assert.ThrowsAsync<AzureCredentialException>(() => run.DeployAsync(new TestCredential { Expired = true }));

        Assert.Contains("ExpiredAuthenticationToken", error.Message);
        Assert.Contains("az login", error.Message);
        Assert.Empty(run.AcceptedArmWrites());
    }

    [Fact]
    public async Task A_missing_credential_fails_before_any_request()
    {
        await using var run = await ArmDeploymentRun.StartAsync();

        var error = await Assert.ThrowsAsync<AzureCredentialException>(() => run.DeployAsync(new TestCredential { Unavailable = true }));

        Assert.Contains("No Azure credential is available", error.Message);
        Assert.Contains("az login", error.Message);
        Assert.Empty(run.Azure.Requests);
    }

    [Fact]
    public async Task Tokens_are_asked_for_arm_and_for_storage_each_with_its_own_audience()
    {
        await using var run = await ArmDeploymentRun.StartAsync();
        var credential = new TestCredential();

        await run.DeployAsync(credential);

        Assert.Equal(["https://management.azure.com/.default", "https://storage.azure.com/.default"], credential.Scopes.Distinct().Order());
    }

    [Fact]
    public async Task A_workspace_that_does_not_exist_is_named()
    {
        await using var run = await ArmDeploymentRun.StartAsync();
        using var http = run.Server.CreateClient();
        var arm = new ArmRestClient(http, new TestCredential(), new ArmOptions(), run.Time);
        var deployment = new AzureMlOnlineDeployment(arm, FakeAzureMl.Workspace with { Workspace = "other-ws" }, 1e-3);

        var error = await Assert.ThrowsAsync<ArmRequestException>(() =>
            deployment.DeployAsync(run.Spec, run.Bundle, (_, _) => Task.CompletedTask, CancellationToken.None));

        Assert.Contains("Workspace 'other-ws' was not found in resource group 'ml-rg'", error.Message);
    }

    [Fact]
    public void Blue_and_green_alternate_and_a_live_custom_name_is_refused()
    {
        Assert.Equal("blue", AzureMlOnlineDeployment.NextDeployment("blue", null));
        Assert.Equal("green", AzureMlOnlineDeployment.NextDeployment("blue", "blue"));
        Assert.Equal("blue", AzureMlOnlineDeployment.NextDeployment("green", "green"));
        Assert.Equal("canary", AzureMlOnlineDeployment.NextDeployment("canary", "blue"));
        Assert.Contains("serves the endpoint's traffic now", Assert.Throws<InvalidDeploymentException>(() => AzureMlOnlineDeployment.NextDeployment("canary", "canary")).Message);
    }
}
