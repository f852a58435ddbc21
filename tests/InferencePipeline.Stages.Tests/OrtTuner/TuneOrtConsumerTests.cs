using InferencePipeline.Artifacts;
using InferencePipeline.Contracts;
using InferencePipeline.ModelRepository;
using InferencePipeline.Onnx;
using InferencePipeline.OrtTuner;
using InferencePipeline.Testing;

namespace InferencePipeline.Stages.Tests.OrtTuner;

public sealed class TuneOrtConsumerTests
{
    /// <summary>Short windows and few trials: these tests check the stage's behaviour, not the search's figures.</summary>
    private static Dictionary<string, string?> Fast(int maxTrials, double tolerance = 1e-3) => new()
    {
        ["Pipeline:OrtTuner:WindowMs"] = "100",
        ["Pipeline:OrtTuner:WarmupMs"] = "50",
        ["Pipeline:OrtTuner:MaxWindowsPerTrial"] = "4",
        ["Pipeline:OrtTuner:MaxTrials"] = maxTrials.ToString(),
        ["Pipeline:OrtTuner:Tolerance"] = tolerance.ToString("R", System.Globalization.CultureInfo.InvariantCulture),
    };

    [Fact]
    public async Task Tunes_the_demo_bert_and_writes_a_config_carrying_the_chosen_settings()
    {
        await using var stage = await StageHarness.StartAsync(x => x.AddOrtTuner(), Fast(maxTrials: 5));
        var id = Guid.NewGuid();
        var request = await ConvertedBertAsync(stage.Store, id);

        await stage.SendAndWaitAsync(request);

        Assert.Null(stage.Published<StageFailed>());
        var tuned = Assert.IsType<OrtTuned>(stage.Published<OrtTuned>());
        Assert.Equal(5, tuned.Trials.Count);
        Assert.Equal(OrtSettings.Default, tuned.Trials[0].Settings); // the baseline is always measured, first
        Assert.Equal(tuned.Trials[0].ThroughputPerSec, tuned.DefaultThroughputPerSec);
        Assert.True(tuned.DefaultThroughputPerSec > 0);
        Assert.True(tuned.TunedThroughputPerSec >= tuned.DefaultThroughputPerSec);
        Assert.Contains(tuned.Trials, t => t.Settings == tuned.Best && t.ThroughputPerSec == tuned.TunedThroughputPerSec);
        Assert.All(tuned.Trials.Where(t => t.Error is null), t => Assert.InRange(t.MaxAbsDiff ?? double.NaN, 0, 1e-3));
        Assert.True(stage.AllPublished<StageProgress>().Count >= tuned.Trials.Count);

        // The tuned entry: the default config plus the winner's ORT parameters, and the model beside it.
        Assert.Equal(ArtifactStore.UriFor(id, "ort-tuner", "model_repository", "bert", "config.pbtxt"), tuned.TunedConfigUri);
        var config = ModelConfigFile.Read(stage.Store.PathFor(tuned.TunedConfigUri));
        Assert.Equal("bert", config.Name);
        Assert.Equal(16, config.MaxBatchSize);
        Assert.Equal(3, config.Input.Count);
        Assert.Equal(tuned.Best, OrtConfigParameters.Read(config));
        Assert.True(File.Exists(stage.Store.PathFor(tuned.TunedOnnxUri)));

        var report = TuningReport.FromJson(await stage.Store.ReadTextAsync(ArtifactStore.UriFor(id, "ort-tuner", "trials.json")));
        Assert.Equal(tuned.Trials, report.Trials);
        Assert.Equal(tuned.Best, report.Best);
    }

    [Fact]
    public async Task A_trial_whose_outputs_drift_past_the_tolerance_is_rejected_with_its_difference()
    {
        // Tolerance 0: any reordering of float sums by a graph rewrite counts as drift.
        await using var stage = await StageHarness.StartAsync(x => x.AddOrtTuner(), Fast(maxTrials: 3, tolerance: 0));
        var id = Guid.NewGuid();

        await stage.SendAndWaitAsync(await ConvertedBertAsync(stage.Store, id));

        var tuned = Assert.IsType<OrtTuned>(stage.Published<OrtTuned>());
        Assert.Equal(0, tuned.Trials[0].MaxAbsDiff);
        Assert.All(tuned.Trials.Skip(1), t =>
        {
            Assert.NotNull(t.MaxAbsDiff);
            if (t.MaxAbsDiff > 0)
            {
                Assert.Contains("rejected: outputs differ from the default session", t.Error);
                Assert.Equal(0, t.ThroughputPerSec);
            }
            else
            {
                Assert.Null(t.Error);
            }
        });
        Assert.Contains(tuned.Trials, t => t.Settings == tuned.Best && t.Error is null);
    }

    [Fact]
    public async Task A_missing_model_fails_without_retrying()
    {
        await using var stage = await StageHarness.StartAsync(x => x.AddOrtTuner(), Fast(maxTrials: 2));
        var id = Guid.NewGuid();
        var onnxUri = ArtifactStore.UriFor(id, "converter", "model.onnx");

        await stage.SendAndWaitAsync(new TuneOrt(id, "bert", onnxUri, ArtifactStore.UriFor(id, "converter", "model_repository", "bert", "config.pbtxt"), [], []));

        var failed = Assert.IsType<StageFailed>(stage.Published<StageFailed>());
        Assert.Equal(PipelineStage.Tuning, failed.Stage);
        Assert.Contains(onnxUri, failed.Reason);
        Assert.Empty(stage.Harness.Published.Select<MassTransit.Fault<TuneOrt>>());
    }

    [Fact]
    public async Task A_corrupt_default_config_fails_naming_where()
    {
        await using var stage = await StageHarness.StartAsync(x => x.AddOrtTuner(), Fast(maxTrials: 2));
        var id = Guid.NewGuid();
        var request = await ConvertedBertAsync(stage.Store, id);
        await stage.Store.WriteTextAsync(request.DefaultConfigUri, "name: \"bert\"\nmax_batch_size: sixteen\n");

        await stage.SendAndWaitAsync(request);

        var failed = Assert.IsType<StageFailed>(stage.Published<StageFailed>());
        Assert.Contains("line 2", failed.Reason);
        Assert.Null(stage.Published<OrtTuned>());
    }

    [Fact]
    public async Task Inputs_with_open_dimensions_besides_the_batch_fail_asking_for_sizes()
    {
        await using var stage = await StageHarness.StartAsync(x => x.AddOrtTuner(), Fast(maxTrials: 2));
        var request = await ConvertedBertAsync(stage.Store, Guid.NewGuid());
        TensorSpec[] open = [.. DemoModels.BertInputs().Select(i => i with { Shape = [-1, -1] })];

        await stage.SendAndWaitAsync(request with { Inputs = open });

        var failed = Assert.IsType<StageFailed>(stage.Published<StageFailed>());
        Assert.Contains("input_names, input_mask, segment_ids have dynamic dimensions besides the batch", failed.Reason);
    }

    [Fact]
    public async Task Fields_of_the_default_config_that_our_model_config_lacks_are_kept_in_the_tuned_config()
    {
        await using var stage = await StageHarness.StartAsync(x => x.AddOrtTuner(), Fast(maxTrials: 1));
        var id = Guid.NewGuid();
        var request = await ConvertedBertAsync(stage.Store, id);
        var defaultPath = stage.Store.PathFor(request.DefaultConfigUri);
        await File.AppendAllTextAsync(defaultPath, "model_transaction_policy { decoupled: false }\nresponse_cache { enable: true }\n");

        await stage.SendAndWaitAsync(request);

        var tuned = Assert.IsType<OrtTuned>(stage.Published<OrtTuned>());
        var document = ModelConfigFile.ReadDocument(stage.Store.PathFor(tuned.TunedConfigUri));
        var unknown = Assert.Single(document.UnknownFields);
        Assert.Equal("model_transaction_policy { decoupled: false }", unknown.Text);
        Assert.True(document.Config.ResponseCache.Enable); // the known fields still come through
        Assert.Equal(tuned.Best, OrtConfigParameters.Read(document.Config));
    }

    [Fact]
    public async Task A_cancelled_pipeline_stops_tuning_between_trials_and_publishes_no_result()
    {
        var candidates = OrtSearchSpace.Candidates(ExecutionProviders.Detect(), Environment.ProcessorCount).Take(6).Count();
        Assert.True(candidates >= 3, $"only {candidates} candidates on this machine; the test needs trials left to skip");
        // Trials of a second or more each: the cancel lands long before the search could finish.
        var slow = Fast(maxTrials: 6);
        slow["Pipeline:OrtTuner:WindowMs"] = "1000";
        await using var stage = await StageHarness.StartAsync(x => x.AddOrtTuner(), slow);
        var id = Guid.NewGuid();

        var consumed = stage.SendAndWaitAsync(await ConvertedBertAsync(stage.Store, id), TimeSpan.FromMinutes(3));
        await Eventually.TrueAsync(() => stage.AllPublished<StageProgress>().Any(p => p.Message.StartsWith("trial 1/", StringComparison.Ordinal)),
            TimeSpan.FromMinutes(2), "the first trial to finish");
        await stage.Harness.Bus.Publish(new PipelineCancelled(id, PipelineStage.Tuning, "the user cancelled"));
        await consumed;

        Assert.Null(stage.Published<OrtTuned>());
        Assert.Null(stage.Published<StageFailed>());
        // The trial running when the cancel came may still report; none after it starts.
        Assert.InRange(stage.AllPublished<StageProgress>().Count(p => p.Message.StartsWith("trial ", StringComparison.Ordinal)), 1, 2);
        Assert.False(File.Exists(stage.Store.PathFor(OrtTunerArtifacts.Trials(id))), "a cancelled tuning wrote its trials report");
    }

    /// <summary>What the converter leaves behind for the demo BERT: the model and its default config.</summary>
    private static async Task<TuneOrt> ConvertedBertAsync(ArtifactStore store, Guid id)
    {
        var onnxUri = ArtifactStore.UriFor(id, "converter", "model.onnx");
        DemoModels.WriteBert(store.PathFor(onnxUri));
        var configUri = ArtifactStore.UriFor(id, "converter", "model_repository", "bert", "config.pbtxt");
        await ModelConfigFile.WriteAsync(store.PathFor(configUri),
            DefaultModelConfig.Create("bert", DemoModels.BertInputs(), DemoModels.BertOutputs(), 16));
        return new TuneOrt(id, "bert", onnxUri, configUri, DemoModels.BertInputs(), DemoModels.BertOutputs());
    }
}
