using InferencePipeline.Cli.Composition;
using InferencePipeline.Contracts;
using InferencePipeline.ModelRepository;
using InferencePipeline.Testing.Models;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;

namespace InferencePipeline.EndToEndTests;

/// <summary>
/// Real models through the whole in-process pipeline where the user's input counts: a sentence encoder with an
/// open sequence length and a CNN with an open image size run at the declared sizes (tuner, profiler, deployer
/// all get them) while the served config keeps the dims dynamic; a PyTorch file is exported on the way; bad
/// PyTorch input fails in the converter and the next pipeline runs normally.
/// </summary>
public sealed class OpenShapePipelineTests(PyTorchTestModels models) : IClassFixture<PyTorchTestModels>, IAsyncLifetime
{
    private readonly string _root = Directory.CreateTempSubdirectory("inferpipe-e2e-shapes-").FullName;
    private readonly StageCommandRecorder _commands = new();
    private PipelineHost _host = null!;
    private ConnectHandle? _recording;

    public async Task InitializeAsync()
    {
        _host = await PipelineHost.InProcessAsync(_root, CancellationToken.None, TestRequests.FastStages);
        _recording = _host.Services.GetRequiredService<IBus>().ConnectConsumeObserver(_commands);
    }

    public async Task DisposeAsync()
    {
        _recording?.Disconnect();
        await _host.DisposeAsync();
        Directory.Delete(_root, recursive: true);
    }

    [Fact]
    public async Task An_encoder_with_an_open_sequence_length_is_measured_at_the_declared_length_and_served_with_it_dynamic()
    {
        var model = Path.Combine(_root, "uploads", "encoder.onnx");
        OpenShapeModels.WriteSequenceEncoder(model);
        var request = TestRequests.For(model, "encoder") with
        {
            Inputs = [new("input_ids", "INT64", [-1, 32]), new("attention_mask", "INT64", [-1, 32])],
        };

        var outcome = await RunAsync(request);

        ReportChecks.AssertReportWritten(outcome, _host.LocalPath);
        AssertEveryStageGotTheSizes(request.PipelineId, [-1, 32]);
        var deployed = Assert.IsType<ModelDeployed>(outcome.Deployed);
        var served = ModelConfigFile.Read(Path.Combine(_host.LocalPath(deployed.RepositoryUri), deployed.ServedModelName, "config.pbtxt"));
        Assert.All(served.Input, input => Assert.Equal([-1L], input.Dims));
    }

    [Fact]
    public async Task A_cnn_with_an_open_image_size_runs_at_the_declared_size()
    {
        var model = Path.Combine(_root, "uploads", "cnn.onnx");
        OpenShapeModels.WriteImageCnn(model);
        var request = TestRequests.For(model, "cnn") with { Inputs = [new("image", "FP32", [-1, 3, 24, 40])] };

        var outcome = await RunAsync(request);

        ReportChecks.AssertReportWritten(outcome, _host.LocalPath);
        AssertEveryStageGotTheSizes(request.PipelineId, [-1, 3, 24, 40]);
        var defaultConfig = ModelConfigFile.Read(_host.LocalPath(outcome.Converted!.DefaultConfigUri));
        Assert.Equal([3L, -1, -1], Assert.Single(defaultConfig.Input).Dims);
    }

    [Fact]
    public async Task A_model_with_external_data_goes_through_every_stage_with_its_data_beside_every_copy()
    {
        var model = Path.Combine(_root, "uploads", "external", "model.onnx");
        OpenShapeModels.WriteWithExternalData(model, "weights.bin");

        var outcome = await RunAsync(TestRequests.For(model, "external"));

        ReportChecks.AssertReportWritten(outcome, _host.LocalPath);
        var deployed = Assert.IsType<ModelDeployed>(outcome.Deployed);
        Assert.True(File.Exists(Path.Combine(_host.LocalPath(deployed.RepositoryUri), deployed.ServedModelName, "1", "weights.bin")));
        Assert.True(deployed.MaxAbsDiff <= 1e-6, $"the served model answers {deployed.MaxAbsDiff} away from ONNX Runtime's");
    }

    [Fact]
    public async Task A_torchscript_model_is_exported_and_goes_through_every_stage()
    {
        var request = TestRequests.For(models.Mlp, "mlp_torchscript") with { Inputs = [new("x", "float32", [-1, 16])], OnnxOpset = 13 };

        var outcome = await RunAsync(request);

        ReportChecks.AssertReportWritten(outcome, _host.LocalPath);
        Assert.NotNull(outcome.Deployed);
        var converted = _commands.Of<TuneOrt>(t => t.PipelineId == request.PipelineId).Single();
        Assert.Equal(13, InferencePipeline.Onnx.OnnxModelInspector.Inspect(_host.LocalPath(converted.OnnxUri)).OpsetVersion);
    }

    [Fact]
    public async Task An_untrusted_pickle_fails_in_the_converter_writing_nothing_and_the_next_pipeline_runs()
    {
        var request = TestRequests.For(models.Sequential, "pickle") with { Inputs = [new("x", "FP32", [-1, 8])] };

        var failed = await RunAsync(request);

        Assert.False(failed.Succeeded);
        Assert.Equal(PipelineStage.Converting, failed.Failed!.Stage);
        Assert.Contains("--trust-pickle", failed.Failed.Reason);
        Assert.False(Directory.Exists(Path.Combine(_root, request.PipelineId.ToString("N"))), "a refused model must leave nothing in the artifact store");

        var next = await RunAsync(TestRequests.For(TestModels.Add, "add_after_pickle"));
        ReportChecks.AssertReportWritten(next, _host.LocalPath);
    }

    [Fact]
    public async Task An_open_sequence_length_without_a_size_fails_in_the_converter_with_the_flag_that_fixes_it()
    {
        var model = Path.Combine(_root, "uploads", "unsized.onnx");
        OpenShapeModels.WriteSequenceEncoder(model);

        var failed = await RunAsync(TestRequests.For(model, "unsized"));

        Assert.Equal(PipelineStage.Converting, failed.Failed!.Stage);
        Assert.Contains("--shape input_ids:128", failed.Failed.Reason);
    }

    private void AssertEveryStageGotTheSizes(Guid pipelineId, long[] shape)
    {
        var tune = Assert.Single(_commands.Of<TuneOrt>(c => c.PipelineId == pipelineId));
        var profile = Assert.Single(_commands.Of<ProfileModel>(c => c.PipelineId == pipelineId));
        var deploy = Assert.Single(_commands.Of<DeployModel>(c => c.PipelineId == pipelineId));
        foreach (var inputs in new[] { tune.Inputs, profile.Inputs, deploy.Inputs! })
        {
            Assert.NotEmpty(inputs);
            Assert.All(inputs, i => Assert.Equal(shape, i.Shape));
        }
    }

    private async Task<PipelineOutcome> RunAsync(StartPipeline request)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        await _host.StartPipelineAsync(request, timeout.Token);
        return await _host.Events.WaitForEndAsync(request.PipelineId, timeout.Token);
    }
}
