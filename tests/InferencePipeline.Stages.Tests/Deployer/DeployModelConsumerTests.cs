using Grpc.Core;
using Inference;
using InferencePipeline.Artifacts;
using InferencePipeline.Contracts;
using InferencePipeline.Deployer;
using InferencePipeline.KServe.Client;
using InferencePipeline.LoadGen;
using InferencePipeline.LocalInfrastructure;
using InferencePipeline.ModelRepository;
using InferencePipeline.Onnx;
using InferencePipeline.Stages.Tests.Profiler;
using InferencePipeline.Testing;
using InferencePipeline.Testing.Models;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace InferencePipeline.Stages.Tests.Deployer;

/// <summary>The deployer stage against a real embedded server, checked by ONNX Runtime on the same model.</summary>
public sealed class DeployModelConsumerTests(EmbeddedServerFixture server, ITestOutputHelper output) : IClassFixture<EmbeddedServerFixture>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Deploys_the_chosen_config_serves_it_and_proves_it_with_a_smoke_inference()
    {
        await using var stage = await StageHarness.StartAsync(x => x.AddDeployer(), server.Settings);
        var id = Guid.NewGuid();
        var configUri = await WriteChosenConfigAsync(stage.Store, id);
        // A Triton-only field the user wrote: the deployed configs must still carry it.
        await File.AppendAllTextAsync(stage.Store.PathFor(configUri), "model_transaction_policy { decoupled: false }\n");
        var served = $"add_served_{Guid.NewGuid():N}"[..20];

        await stage.SendAndPollAsync(new DeployModel(id, "add", configUri, new DeployTarget(DeployTargetKind.LocalServer, Name: served)), Timeout);

        Assert.Null(stage.SinglePublishedNow<StageFailed>());
        var deployed = Assert.IsType<ModelDeployed>(stage.SinglePublishedNow<ModelDeployed>());
        output.WriteLine($"{deployed.ServedModelName} at {deployed.Endpoint}, max |diff| {deployed.MaxAbsDiff}");
        Assert.Equal(served, deployed.ServedModelName);
        Assert.Equal(server.Server.GrpcAddress, new Uri(deployed.Endpoint));
        Assert.InRange(deployed.MaxAbsDiff, 0, 1e-6);
        Assert.Equal($"artifacts/{id:N}/deployer/model_repository", deployed.RepositoryUri);

        // The deployable repository: config named after the served model, dynamic batching kept, the model beside it.
        var entry = Path.Combine(stage.Store.PathFor(deployed.RepositoryUri), served);
        var document = ModelConfigFile.ReadDocument(Path.Combine(entry, "config.pbtxt"));
        var config = document.Config;
        Assert.Equal(served, config.Name);
        Assert.Equal("model_transaction_policy", Assert.Single(document.UnknownFields).Name);
        Assert.Equal("model_transaction_policy", Assert.Single(ModelConfigFile.ReadDocument(Path.Combine(server.Repository.Root, served, "config.pbtxt")).UnknownFields).Name);
        Assert.Equal([4], config.DynamicBatching.PreferredBatchSize);
        Assert.Equal(2, Assert.Single(config.InstanceGroup).Count);
        Assert.Equal(File.ReadAllBytes(TestModels.Add), File.ReadAllBytes(Path.Combine(entry, "1", "model.onnx")));

        // The server serves it: ready, and it answers INPUT0 + 1.
        using var channel = KServeChannel.Create(server.Server.GrpcAddress);
        var client = new GRPCInferenceService.GRPCInferenceServiceClient(channel);
        Assert.True((await client.ModelReadyAsync(new ModelReadyRequest { Name = served })).Ready);
        Assert.True(File.Exists(Path.Combine(server.Repository.Root, served, "1", "model.onnx")));
        var request = new ModelInferRequest { ModelName = served };
        request.Inputs.Add(new ModelInferRequest.Types.InferInputTensor { Name = DemoModels.TrivialInputName, Datatype = "FP32", Shape = { 1, DemoModels.TrivialWidth } });
        request.RawInputContents.Add(Google.Protobuf.ByteString.CopyFrom(TensorBytes.FromFloats("FP32", new float[DemoModels.TrivialWidth])));
        var response = await client.ModelInferAsync(request);
        Assert.All(TensorBytes.ToFloats("FP32", response.RawOutputContents[0].Span), v => Assert.Equal(1f, v));

        await client.RepositoryModelUnloadAsync(new RepositoryModelUnloadRequest { ModelName = served });
    }

    /// <summary>
    /// The smoke inference sends 2 rows; with a preferred batch of 4 the server's batcher holds them for the whole queue
    /// delay, so the deploy is still running, its model loaded, when the cancel lands.
    /// </summary>
    private static readonly Action<ModelConfig> HeldSmokeInference =
        c => c.DynamicBatching.MaxQueueDelayMicroseconds = (ulong)TimeSpan.FromMinutes(10).TotalMicroseconds;

    [Fact]
    public async Task A_cancelled_pipeline_stops_the_deploy_and_the_server_unloads_what_the_run_loaded()
    {
        await using var stage = await StageHarness.StartAsync(x => x.AddDeployer(), server.Settings);
        var id = Guid.NewGuid();
        var configUri = await WriteChosenConfigAsync(stage.Store, id, HeldSmokeInference);
        var served = $"add_cancel_{Guid.NewGuid():N}"[..20];

        await CancelDuringTheSmokeInferenceAsync(stage, new DeployModel(id, "add", configUri, new DeployTarget(DeployTargetKind.LocalServer, Name: served)));

        Assert.Null(stage.SinglePublishedNow<ModelDeployed>());
        Assert.Null(stage.SinglePublishedNow<StageFailed>());
        Assert.False(await IsReadyAsync(served));
        Assert.DoesNotContain(Directory.GetDirectories(server.Repository.Root), d => Path.GetFileName(d).Contains(served, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_cancelled_redeploy_puts_back_the_version_that_served_before_it()
    {
        await using var stage = await StageHarness.StartAsync(x => x.AddDeployer(), server.Settings);
        var served = $"add_keep_{Guid.NewGuid():N}"[..20];
        var first = Guid.NewGuid();
        await stage.SendAndPollAsync(new DeployModel(first, "add", await WriteChosenConfigAsync(stage.Store, first), new DeployTarget(DeployTargetKind.LocalServer, Name: served)), Timeout);
        Assert.NotNull(stage.SinglePublishedNow<ModelDeployed>());
        var before = File.ReadAllText(Path.Combine(server.Repository.Root, served, ModelConfigFile.FileName));

        var second = Guid.NewGuid();
        await CancelDuringTheSmokeInferenceAsync(stage,
            new DeployModel(second, "add", await WriteChosenConfigAsync(stage.Store, second, HeldSmokeInference), new DeployTarget(DeployTargetKind.LocalServer, Name: served)));

        Assert.Single(stage.PublishedNow<ModelDeployed>());
        Assert.Null(stage.SinglePublishedNow<StageFailed>());
        // The first deploy's entry is back and serving: its config loaded, and a request of one row answered at once,
        // where the cancelled run's config would hold it for ten minutes.
        Assert.Equal(before, File.ReadAllText(Path.Combine(server.Repository.Root, served, ModelConfigFile.FileName)));
        Assert.True(await IsReadyAsync(served));
        using var channel = KServeChannel.Create(server.Server.GrpcAddress);
        var client = new GRPCInferenceService.GRPCInferenceServiceClient(channel);
        var loaded = (await client.ModelConfigAsync(new ModelConfigRequest { Name = served })).Config;
        Assert.NotEqual((ulong)TimeSpan.FromMinutes(10).TotalMicroseconds, loaded.DynamicBatching.MaxQueueDelayMicroseconds);
        var request = new ModelInferRequest { ModelName = served };
        request.Inputs.Add(new ModelInferRequest.Types.InferInputTensor { Name = DemoModels.TrivialInputName, Datatype = "FP32", Shape = { 1, DemoModels.TrivialWidth } });
        request.RawInputContents.Add(Google.Protobuf.ByteString.CopyFrom(TensorBytes.FromFloats("FP32", new float[DemoModels.TrivialWidth])));
        var response = await client.ModelInferAsync(request, deadline: DateTime.UtcNow.AddSeconds(30));
        Assert.All(TensorBytes.ToFloats("FP32", response.RawOutputContents[0].Span), v => Assert.Equal(1f, v));
        Assert.DoesNotContain(Directory.GetDirectories(server.Repository.Root), d => Path.GetFileName(d).StartsWith($".{served}", StringComparison.Ordinal));

        await TryUnloadAsync(served);
    }

    /// <summary>Sends <paramref name="command"/>, cancels its pipeline once the model is loaded and the smoke inference runs, and waits for the deploy to end.</summary>
    private static async Task CancelDuringTheSmokeInferenceAsync(StageHarness stage, DeployModel command)
    {
        var messageId = NewId.NextGuid();
        await (await stage.Harness.Bus.GetSendEndpoint(QueueNames.For<DeployModel>())).Send(command, c => c.MessageId = messageId);
        await Eventually.TrueAsync(
            () => stage.PublishedNow<StageProgress>().Any(p => p.PipelineId == command.PipelineId && p.Message.Contains("running the smoke inference", StringComparison.Ordinal)),
            Timeout, "the model to load and the smoke inference to start");
        await stage.Harness.Bus.Publish(new PipelineCancelled(command.PipelineId, PipelineStage.Deploying, "the user cancelled"));
        await Eventually.TrueAsync(
            () => stage.Harness.Consumed.Select<DeployModel>(m => m.Context.MessageId == messageId, new CancellationToken(canceled: true)).Any(),
            Timeout, "the deploy to stop");
    }

    private async Task<bool> IsReadyAsync(string served)
    {
        using var channel = KServeChannel.Create(server.Server.GrpcAddress);
        try
        {
            return (await new GRPCInferenceService.GRPCInferenceServiceClient(channel).ModelReadyAsync(new ModelReadyRequest { Name = served })).Ready;
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.NotFound)
        {
            return false;
        }
    }

    [Fact]
    public async Task A_missing_config_fails_the_stage_naming_it()
    {
        await using var stage = await StageHarness.StartAsync(x => x.AddDeployer(), server.Settings);
        var id = Guid.NewGuid();
        var missing = $"artifacts/{id:N}/profiler/output_model_repository/add_config_9/config.pbtxt";

        await stage.SendAndPollAsync(new DeployModel(id, "add", missing, DeployTarget.LocalServer), Timeout);

        var failed = Assert.IsType<StageFailed>(stage.SinglePublishedNow<StageFailed>());
        output.WriteLine(failed.Reason);
        Assert.Equal(PipelineStage.Deploying, failed.Stage);
        Assert.Contains(missing, failed.Reason);
        Assert.Null(stage.SinglePublishedNow<ModelDeployed>());
    }

    [Fact]
    public async Task The_none_target_fails_clearly()
    {
        await using var stage = await StageHarness.StartAsync(x => x.AddDeployer(), server.Settings);
        var id = Guid.NewGuid();
        var configUri = await WriteChosenConfigAsync(stage.Store, id);

        await stage.SendAndPollAsync(new DeployModel(id, "add", configUri, new DeployTarget(DeployTargetKind.None, "my-endpoint")), Timeout);

        var failed = Assert.IsType<StageFailed>(stage.SinglePublishedNow<StageFailed>());
        Assert.Contains("nothing to deploy", failed.Reason);
        Assert.Null(stage.SinglePublishedNow<ModelDeployed>());
    }

    [Fact]
    public async Task Container_apps_target_serves_on_the_systems_inference_server()
    {
        await using var stage = await StageHarness.StartAsync(x => x.AddDeployer(), server.Settings);
        var id = Guid.NewGuid();
        var configUri = await WriteChosenConfigAsync(stage.Store, id);
        var served = $"add_aca_{Guid.NewGuid():N}"[..16];

        await stage.SendAndPollAsync(new DeployModel(id, "add", configUri, new DeployTarget(DeployTargetKind.ContainerApps, Name: served)), Timeout);

        var deployed = Assert.IsType<ModelDeployed>(stage.SinglePublishedNow<ModelDeployed>());
        Assert.Equal(server.Server.GrpcAddress, new Uri(deployed.Endpoint));
        Assert.InRange(deployed.MaxAbsDiff, 0, 1e-6);
        await TryUnloadAsync(served);
    }

    [Fact]
    public async Task Azure_ml_target_without_a_workspace_proves_the_entry_writes_the_bundle_and_the_commands()
    {
        await using var stage = await StageHarness.StartAsync(x => x.AddDeployer(), server.Settings);
        var id = Guid.NewGuid();
        var configUri = await WriteChosenConfigAsync(stage.Store, id);
        var served = $"add_aml_{Guid.NewGuid():N}"[..16];
        var target = new DeployTarget(DeployTargetKind.AzureMl, "add-endpoint", served, new AzureMlTarget("Standard_NC6s_v3", 2));

        await stage.SendAndPollAsync(new DeployModel(id, "add", configUri, target), Timeout);

        Assert.Null(stage.SinglePublishedNow<StageFailed>());
        var deployed = Assert.IsType<ModelDeployed>(stage.SinglePublishedNow<ModelDeployed>());
        output.WriteLine(deployed.NextSteps);
        Assert.Equal($"artifacts/{id:N}/deployer/azureml", deployed.RepositoryUri);
        Assert.InRange(deployed.MaxAbsDiff, 0, 1e-6);
        var bundle = stage.Store.PathFor(deployed.RepositoryUri);
        Assert.Contains($"az ml online-endpoint create --file {Path.Combine(bundle, "endpoint.yml")}", deployed.NextSteps);
        Assert.Contains($"az ml online-deployment create --file {Path.Combine(bundle, "deployment.yml")} --all-traffic", deployed.NextSteps);
        Assert.Contains("instance_count: 2", File.ReadAllText(Path.Combine(bundle, "deployment.yml")));
        Assert.True(File.Exists(Path.Combine(bundle, "model_repository", served, "1", "model.onnx")));
        Assert.Equal(served, ModelConfigFile.Read(Path.Combine(bundle, "model_repository", served, "config.pbtxt")).Name);
        await TryUnloadAsync(served);
    }

    [Theory]
    [InlineData("add_endpoint", "Standard_NC6s_v3", "Azure ML would refuse the endpoint name 'add_endpoint'")]
    [InlineData("add-endpoint", "NC6", "is not an Azure VM size")]
    public async Task Azure_ml_target_azure_would_refuse_fails_the_stage_before_serving(string endpoint, string instanceType, string reason)
    {
        await using var stage = await StageHarness.StartAsync(x => x.AddDeployer(), server.Settings);
        var id = Guid.NewGuid();
        var configUri = await WriteChosenConfigAsync(stage.Store, id);

        await stage.SendAndPollAsync(new DeployModel(id, "add", configUri, new DeployTarget(DeployTargetKind.AzureMl, endpoint, "add_refused", new AzureMlTarget(instanceType))), Timeout);

        var failed = Assert.IsType<StageFailed>(stage.SinglePublishedNow<StageFailed>());
        Assert.Contains(reason, failed.Reason);
        Assert.False(Directory.Exists(Path.Combine(server.Repository.Root, "add_refused")));
    }

    [Fact]
    public async Task Azure_ml_target_with_a_workspace_but_no_credential_fails_asking_to_sign_in()
    {
        // EnvironmentCredential with no AZURE_* variables: what a machine without a sign-in gives, offline and at once.
        var connection = new AzureMlConnection(new HttpClient(), new Azure.Identity.EnvironmentCredential(), new InferencePipeline.Cloud.Arm.ArmOptions(), TimeProvider.System);
        await using var stage = await StageHarness.StartAsync(x =>
        {
            x.AddSingleton(connection);
            x.AddDeployer();
        }, server.Settings);
        var id = Guid.NewGuid();
        var configUri = await WriteChosenConfigAsync(stage.Store, id);
        var served = $"add_cred_{Guid.NewGuid():N}"[..16];
        var target = new DeployTarget(DeployTargetKind.AzureMl, "add-endpoint", served,
            new AzureMlTarget("Standard_NC6s_v3", SubscriptionId: Guid.NewGuid().ToString(), ResourceGroup: "ml-rg", Workspace: "ml-ws"));

        await stage.SendAndPollAsync(new DeployModel(id, "add", configUri, target), Timeout);

        var failed = Assert.IsType<StageFailed>(stage.SinglePublishedNow<StageFailed>());
        output.WriteLine(failed.Reason);
        Assert.Contains("No Azure credential is available", failed.Reason);
        Assert.Contains("az login", failed.Reason);
        Assert.Null(stage.SinglePublishedNow<ModelDeployed>());
        await TryUnloadAsync(served);
    }

    private async Task TryUnloadAsync(string served)
    {
        using var channel = KServeChannel.Create(server.Server.GrpcAddress);
        await new GRPCInferenceService.GRPCInferenceServiceClient(channel).RepositoryModelUnloadAsync(new RepositoryModelUnloadRequest { ModelName = served });
    }

    [Fact]
    public async Task A_model_the_server_cannot_load_fails_the_stage_with_the_servers_reason()
    {
        await using var stage = await StageHarness.StartAsync(x => x.AddDeployer(), server.Settings);
        var id = Guid.NewGuid();
        var configUri = await WriteChosenConfigAsync(stage.Store, id, c => c.Output[0].Name = "NO_SUCH_OUTPUT");

        await stage.SendAndPollAsync(new DeployModel(id, "add", configUri, new DeployTarget(DeployTargetKind.Triton, server.Server.GrpcAddress.ToString(), "add_broken")), Timeout);

        var failed = Assert.IsType<StageFailed>(stage.SinglePublishedNow<StageFailed>());
        output.WriteLine(failed.Reason);
        Assert.Contains("could not load 'add_broken'", failed.Reason);
        Assert.Contains("NO_SUCH_OUTPUT", failed.Reason);
    }

    [Fact]
    public async Task An_unreachable_server_is_a_transient_fault_not_a_stage_failure()
    {
        await using var stage = await StageHarness.StartAsync(x => x.AddDeployer(), server.Settings);
        var id = Guid.NewGuid();
        var configUri = await WriteChosenConfigAsync(stage.Store, id);
        var target = new DeployTarget(DeployTargetKind.Triton, $"http://127.0.0.1:{FreePort.Get()}", "add_unreachable");

        var watch = System.Diagnostics.Stopwatch.StartNew();
        await stage.SendAndPollAsync(new DeployModel(id, "add", configUri, target), Timeout);
        output.WriteLine($"Consumed with a fault after {watch.ElapsedMilliseconds} ms");

        var consumed = Assert.Single(stage.Harness.Consumed.Select<DeployModel>(new CancellationToken(canceled: true)));
        Assert.Equal(StatusCode.Unavailable, Assert.IsType<RpcException>(consumed.Exception).StatusCode);
        Assert.Null(stage.SinglePublishedNow<StageFailed>());
        Assert.Null(stage.SinglePublishedNow<ModelDeployed>());
    }

    /// <summary>What the profiler leaves for the analyzer's choice: an entry of its output repository.</summary>
    private static async Task<string> WriteChosenConfigAsync(ArtifactStore store, Guid id, Action<ModelConfig>? change = null)
    {
        const string name = "add_config_1";
        var baseline = DefaultModelConfig.Create(name, DemoModels.TrivialInputs, DemoModels.TrivialOutputs, maxBatchSize: 8);
        var config = ServingConfigVariants.With(baseline, name, [4], 2);
        change?.Invoke(config);
        var repository = store.PathFor(ArtifactStore.UriFor(id, "profiler", "output_model_repository"));
        await ModelRepositoryLayout.CreateEntryAsync(repository, name, TestModels.Add, config);
        return ArtifactStore.UriFor(id, "profiler", "output_model_repository", name, ModelConfigFile.FileName);
    }
}
