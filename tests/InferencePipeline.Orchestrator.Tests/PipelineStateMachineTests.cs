using InferencePipeline.Contracts;
using InferencePipeline.Orchestrator.Tests.StandIns;
using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace InferencePipeline.Orchestrator.Tests;

/// <summary>The saga over MassTransit's test harness (in-memory transport and repository) with stand-in stages.</summary>
public sealed class PipelineStateMachineTests : IAsyncLifetime
{
    private ServiceProvider _provider = null!;
    private ITestHarness _harness = null!;
    private ISagaStateMachineTestHarness<PipelineStateMachine, PipelineState> _saga = null!;

    public async Task InitializeAsync()
    {
        _provider = new ServiceCollection()
            .AddMassTransitTestHarness(bus => bus.AddOrchestrator().AddStandInStages())
            .BuildServiceProvider(true);
        _harness = _provider.GetRequiredService<ITestHarness>();
        _harness.TestTimeout = TimeSpan.FromSeconds(10);
        _harness.TestInactivityTimeout = TimeSpan.FromMilliseconds(300);
        await _harness.Start();
        _saga = _harness.GetSagaStateMachineHarness<PipelineStateMachine, PipelineState>();
    }

    public async Task DisposeAsync() => await _provider.DisposeAsync();

    private async Task<StartPipeline> StartAsync(StartPipeline request)
    {
        var endpoint = await _harness.Bus.GetSendEndpoint(QueueNames.For<StartPipeline>());
        await endpoint.Send(request);
        return request;
    }

    private PipelineState Instance(Guid id) => _saga.Sagas.Contains(id) ?? throw new Xunit.Sdk.XunitException($"no saga {id}");

    [Fact]
    public async Task Happy_path_runs_every_stage_in_order_and_completes_with_the_reports_figures()
    {
        var request = await StartAsync(StandInStages.Request());

        Assert.NotNull(await _saga.Exists(request.PipelineId, machine => machine.Completed));
        Assert.True(await _harness.Published.Any<PipelineStarted>(x => x.Context.Message.PipelineId == request.PipelineId));
        Assert.True(await _harness.Published.Any<PipelineCompleted>(x => x.Context.Message.PipelineId == request.PipelineId));

        var completed = _harness.Published.Select<PipelineCompleted>().Single(x => x.Context.Message.PipelineId == request.PipelineId)
            .Context.Message;
        Assert.Equal("tiny-bert_config_3", completed.BestConfigName);
        Assert.Equal(StandInStages.BestThroughput, completed.BestThroughputPerSec);
        Assert.Equal(100, completed.DefaultThroughputPerSec);
        Assert.Equal(250, completed.OrtTunedThroughputPerSec);
        Assert.Equal(StandInDeployer.Endpoint, completed.Endpoint);

        // Each command went to its stage's queue, built from the results before it.
        var profile = _harness.Sent.Select<ProfileModel>().Single(x => x.Context.Message.PipelineId == request.PipelineId);
        Assert.Equal(QueueNames.Profiler, profile.Context.DestinationAddress!.AbsolutePath.Trim('/'));
        Assert.EndsWith("/tune/config.pbtxt", profile.Context.Message.TunedConfigUri);
        Assert.EndsWith("/convert/default/config.pbtxt", profile.Context.Message.DefaultConfigUri);
        Assert.Equal(request.SearchSpace.Concurrency, profile.Context.Message.SearchSpace.Concurrency);
        Assert.Equal(request.Constraints, profile.Context.Message.Constraints);
        var deploy = _harness.Sent.Select<DeployModel>().Single(x => x.Context.Message.PipelineId == request.PipelineId);
        Assert.EndsWith("/analyze/best/config.pbtxt", deploy.Context.Message.BestConfigUri);

        var state = Instance(request.PipelineId);
        Assert.Equal(100, state.ProgressPercent);
        Assert.Equal(StandInStages.MeasurementCount, state.MeasurementsDone);
        Assert.Equal(StandInStages.MeasurementCount, state.MeasurementsTotal);
        Assert.Equal(PipelineStage.Deploying, state.Stage);
        Assert.NotNull(state.FinishedAt);
        Assert.Null(state.FailureReason);
        Assert.Equal(request.ModelUri, state.Request!.ModelUri);
    }

    [Fact]
    public async Task Declared_sizes_and_the_pytorch_options_reach_the_converter_and_the_converters_inputs_every_later_stage()
    {
        var request = await StartAsync(StandInStages.Request() with
        {
            Inputs = [new TensorSpec("input_ids", "INT64", [-1, 256])],
            TrustPickle = true,
            OnnxOpset = 14,
        });

        Assert.NotNull(await _saga.Exists(request.PipelineId, machine => machine.Completed));
        var convert = _harness.Sent.Select<ConvertModel>().Single(x => x.Context.Message.PipelineId == request.PipelineId).Context.Message;
        Assert.True(convert.TrustPickle);
        Assert.Equal(14, convert.OnnxOpset);
        Assert.Equal([-1L, 256], Assert.Single(convert.Inputs).Shape);
        // The stand-in converter publishes input_ids [-1, 256]: what the tuner, profiler and deployer measure at.
        var tune = _harness.Sent.Select<TuneOrt>().Single(x => x.Context.Message.PipelineId == request.PipelineId).Context.Message;
        var profile = _harness.Sent.Select<ProfileModel>().Single(x => x.Context.Message.PipelineId == request.PipelineId).Context.Message;
        var deploy = _harness.Sent.Select<DeployModel>().Single(x => x.Context.Message.PipelineId == request.PipelineId).Context.Message;
        foreach (var inputs in new[] { tune.Inputs, profile.Inputs, deploy.Inputs! })
        {
            Assert.Equal([-1L, 256], Assert.Single(inputs).Shape);
        }
    }

    [Fact]
    public async Task Without_a_deploy_target_the_pipeline_completes_after_analysis()
    {
        var request = await StartAsync(StandInStages.Request(deploy: DeployTargetKind.None));

        Assert.NotNull(await _saga.Exists(request.PipelineId, machine => machine.Completed));
        Assert.False(await _harness.Sent.Any<DeployModel>(x => x.Context.Message.PipelineId == request.PipelineId));
        var completed = _harness.Published.Select<PipelineCompleted>().Single(x => x.Context.Message.PipelineId == request.PipelineId);
        Assert.Null(completed.Context.Message.Endpoint);
        Assert.Equal(PipelineStage.Analyzing, Instance(request.PipelineId).Stage);
    }

    [Fact]
    public async Task A_failed_stage_fails_the_pipeline_with_its_reason()
    {
        var request = await StartAsync(StandInStages.Request(modelUri: "models/corrupt.onnx"));

        Assert.NotNull(await _saga.Exists(request.PipelineId, machine => machine.Failed));
        Assert.True(await _harness.Published.Any<PipelineFailed>(x => x.Context.Message.PipelineId == request.PipelineId));
        var failed = _harness.Published.Select<PipelineFailed>().Single(x => x.Context.Message.PipelineId == request.PipelineId).Context.Message;
        Assert.Equal(PipelineStage.Converting, failed.Stage);
        Assert.Contains("not a valid ONNX model", failed.Reason);
        Assert.Contains("not a valid ONNX model", Instance(request.PipelineId).FailureReason);
        Assert.False(await _harness.Sent.Any<TuneOrt>(x => x.Context.Message.PipelineId == request.PipelineId));
    }

    [Fact]
    public async Task Cancel_stops_the_pipeline_and_later_results_are_ignored()
    {
        var request = await StartAsync(StandInStages.Request(modelUri: "models/silent.onnx"));
        Assert.NotNull(await _saga.Exists(request.PipelineId, machine => machine.Converting));

        await (await _harness.Bus.GetSendEndpoint(QueueNames.For<CancelPipeline>())).Send(new CancelPipeline(request.PipelineId, "user asked"));
        Assert.NotNull(await _saga.Exists(request.PipelineId, machine => machine.Cancelled));
        var cancelled = _harness.Published.Select<PipelineCancelled>().Single(x => x.Context.Message.PipelineId == request.PipelineId)
            .Context.Message;
        Assert.Equal(PipelineStage.Converting, cancelled.Stage);
        Assert.Equal("user asked", cancelled.Reason);

        // The conversion finishing after the cancel must not restart the pipeline.
        await _harness.Bus.Publish(new ModelConverted(request.PipelineId, "tiny-bert", "a.onnx", "c.pbtxt", [], [], 8));
        Assert.True(await _harness.Published.Any<ModelConverted>(x => x.Context.Message.PipelineId == request.PipelineId));
        await _harness.InactivityTask;
        Assert.False(await _harness.Sent.Any<TuneOrt>(x => x.Context.Message.PipelineId == request.PipelineId));
        Assert.Equal("Cancelled", Instance(request.PipelineId).CurrentState);
    }

    [Fact]
    public async Task Stage_progress_moves_the_overall_percentage_and_message()
    {
        var request = await StartAsync(StandInStages.Request(modelUri: "models/silent.onnx"));
        Assert.NotNull(await _saga.Exists(request.PipelineId, machine => machine.Converting));

        await _harness.Bus.Publish(new StageProgress(request.PipelineId, PipelineStage.Converting, 0.5, "half exported"));
        Assert.True(await _saga.Consumed.Any<StageProgress>(x => x.Context.Message.PipelineId == request.PipelineId));

        var state = Instance(request.PipelineId);
        Assert.Equal(10, state.ProgressPercent); // half of the first of five equal shares
        Assert.Equal("half exported", state.LastMessage);
    }

    [Fact]
    public void Progress_is_monotonic_across_stages()
    {
        var previous = -1.0;
        foreach (var stage in Enum.GetValues<PipelineStage>())
        {
            foreach (var fraction in new[] { 0, 0.5, 1 })
            {
                var percent = PipelineProgress.Percent(stage, fraction);
                Assert.True(percent >= previous, $"{stage} {fraction}: {percent} < {previous}");
                previous = percent;
            }
        }
        Assert.Equal(100, PipelineProgress.Percent(PipelineStage.Deploying, 1));
        Assert.Equal(0, PipelineProgress.Percent(PipelineStage.Converting, double.NaN));
    }
}
