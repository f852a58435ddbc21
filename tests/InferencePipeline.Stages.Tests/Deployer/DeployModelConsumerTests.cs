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

    [Theory]
    [InlineData(DeployTargetKind.AzureMl, "not supported yet")]
    [InlineData(DeployTargetKind.ContainerApps, "not supported yet")]
    [InlineData(DeployTargetKind.None, "nothing to deploy")]
    public async Task Targets_without_a_deployer_fail_clearly(DeployTargetKind kind, string reason)
    {
        await using var stage = await StageHarness.StartAsync(x => x.AddDeployer(), server.Settings);
        var id = Guid.NewGuid();
        var configUri = await WriteChosenConfigAsync(stage.Store, id);

        await stage.SendAndPollAsync(new DeployModel(id, "add", configUri, new DeployTarget(kind, "my-endpoint")), Timeout);

        var failed = Assert.IsType<StageFailed>(stage.SinglePublishedNow<StageFailed>());
        Assert.Contains(reason, failed.Reason);
        Assert.Null(stage.SinglePublishedNow<ModelDeployed>());
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
