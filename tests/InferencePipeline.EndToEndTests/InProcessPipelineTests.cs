using InferencePipeline.Cli.Composition;
using InferencePipeline.Testing.Models;

namespace InferencePipeline.EndToEndTests;

/// <summary>
/// The CLI demo's composition: every service in one process on the in-memory bus, the embedded inference
/// server on a free port, real ONNX Runtime. One host serves several pipelines, as a long-running demo would.
/// </summary>
public sealed class InProcessPipelineTests : IAsyncLifetime
{
    private readonly string _root = Directory.CreateTempSubdirectory("inferpipe-e2e-").FullName;
    private PipelineHost _host = null!;

    public async Task InitializeAsync() =>
        _host = await PipelineHost.InProcessAsync(_root, CancellationToken.None, TestRequests.FastStages);

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        Directory.Delete(_root, recursive: true);
    }

    [Fact]
    public async Task Bert_demo_model_goes_through_every_stage_and_is_served_with_matching_outputs()
    {
        var request = TestRequests.For(TestModels.Bert, "bert_e2e");

        var outcome = await RunAsync(request);

        ReportChecks.AssertReportWritten(outcome, _host.LocalPath);
        Assert.NotNull(outcome.Tuned);
        Assert.Contains(outcome.Tuned!.Trials, t => t.Settings == InferencePipeline.Contracts.OrtSettings.Default);
        var deployed = Assert.IsType<InferencePipeline.Contracts.ModelDeployed>(outcome.Deployed);
        var deployedFile = DeployedModelCheck.DeployedFile(deployed, _host.LocalPath);
        var diff = await DeployedModelCheck.MaxAbsDiffAsync(_host.InferenceServerAddress!, deployed.ServedModelName, deployedFile);
        Assert.True(diff <= 1e-3, $"served outputs differ from ONNX Runtime's on {deployedFile} by {diff}");
        Assert.DoesNotContain(outcome.Tuned.Trials, t => t.Candidate == outcome.Tuned.ChosenCandidate && t.AccuracyOk == false);
    }

    [Fact]
    public async Task Corrupt_model_fails_naming_the_file_and_the_next_pipeline_still_succeeds()
    {
        var corrupt = Path.Combine(_root, "corrupt.onnx");
        await File.WriteAllBytesAsync(corrupt, Enumerable.Range(0, 4096).Select(i => (byte)(i * 37)).ToArray());

        var failed = await RunAsync(TestRequests.For(corrupt, "corrupt"));

        Assert.False(failed.Succeeded);
        Assert.Equal(InferencePipeline.Contracts.PipelineStage.Converting, failed.Failed!.Stage);
        Assert.Contains("corrupt.onnx", failed.Failed.Reason);

        var next = await RunAsync(TestRequests.For(TestModels.Add, "add_after_corrupt"));
        ReportChecks.AssertReportWritten(next, _host.LocalPath);
    }

    [Fact]
    public async Task Unknown_model_path_fails_saying_the_file_does_not_exist_and_the_next_pipeline_still_succeeds()
    {
        var missing = Path.Combine(_root, "no-such-dir", "model.onnx");

        var failed = await RunAsync(TestRequests.For(missing, "missing"));

        Assert.False(failed.Succeeded);
        Assert.Contains("does not exist", failed.Failed!.Reason);
        Assert.Contains("model.onnx", failed.Failed.Reason);

        var next = await RunAsync(TestRequests.For(TestModels.Add, "add_after_missing"));
        ReportChecks.AssertReportWritten(next, _host.LocalPath);
    }

    private async Task<PipelineOutcome> RunAsync(InferencePipeline.Contracts.StartPipeline request)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        await _host.StartPipelineAsync(request, timeout.Token);
        return await _host.Events.WaitForEndAsync(request.PipelineId, timeout.Token);
    }
}
