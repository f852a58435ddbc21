using InferencePipeline.Cli.Composition;
using InferencePipeline.Contracts;

namespace InferencePipeline.EndToEndTests;

/// <summary>
/// The demo's default: the whole pipeline in one process on all-MiniLM-L6-v2 (a real pretrained encoder from NuGet)
/// with its open sequence length declared in the request ([-1, 128]) and real tokenized sentences as input data, which
/// the tuner's accuracy gate, the profiler's load and the deployer's smoke inference all use.
/// </summary>
public sealed class RealModelPipelineTests : IAsyncLifetime
{
    private readonly string _root = Directory.CreateTempSubdirectory("inferpipe-e2e-minilm-").FullName;
    private PipelineHost _host = null!;
    private DemoModel _demo = null!;

    public async Task InitializeAsync()
    {
        // The model comes from the package cache and its sentences from the demo's folder, outside the folders a pipeline
        // may read by default.
        _demo = DemoModel.Prepare(DemoModel.MiniLm, _root)!;
        var settings = new Dictionary<string, string?>(TestRequests.FastStages);
        foreach (var (key, folder) in DemoModel.ReadableFolders(_demo.ModelPath, _demo.InputDataPath))
        {
            settings[key] = folder;
        }

        _host = await PipelineHost.InProcessAsync(_root, CancellationToken.None, settings);
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        Directory.Delete(_root, recursive: true);
    }

    [Fact]
    public async Task Minilm_with_real_sentences_goes_through_every_stage_with_the_accuracy_of_its_choice_reported()
    {
        var request = TestRequests.For(_demo.ModelPath, "minilm_e2e", latencyBudgetMs: 5000) with
        {
            Inputs = _demo.Inputs,
            InputDataUri = _demo.InputDataPath,
        };

        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(8));
        await _host.StartPipelineAsync(request, timeout.Token);
        var outcome = await _host.Events.WaitForEndAsync(request.PipelineId, timeout.Token);

        Assert.True(outcome.Succeeded, outcome.Failed?.Reason);
        var tuned = Assert.IsType<OrtTuned>(outcome.Tuned);
        var chosen = Assert.Single(tuned.Trials, t => t.Candidate == tuned.ChosenCandidate && t.BatchSize == tuned.BatchSize);
        Assert.True(chosen.AccuracyOk);
        Assert.Contains(tuned.Trials, t => t.Settings.Precision == "int8" && t.AccuracyOk == true);
        Assert.NotEmpty(outcome.Measurements);
        var deployed = Assert.IsType<ModelDeployed>(outcome.Deployed);
        Assert.True(deployed.MaxAbsDiff <= 1e-3, $"served outputs differ from ONNX Runtime's by {deployed.MaxAbsDiff}");
    }
}
