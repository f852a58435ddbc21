using InferencePipeline.Artifacts;
using InferencePipeline.Contracts;
using InferencePipeline.LoadGen;
using InferencePipeline.ModelRepository;
using InferencePipeline.Onnx;
using InferencePipeline.OrtTuner;
using InferencePipeline.Testing;

namespace InferencePipeline.Stages.Tests.OrtTuner;

public sealed class TuneOrtConsumerTests
{
    /// <summary>Short windows and few fp32 trials: these tests check the stage's behaviour, not the search's figures.</summary>
    private static Dictionary<string, string?> Fast(int maxTrials, double tolerance = 1e-3, bool int8 = true, bool fp16 = true) => new()
    {
        ["Pipeline:OrtTuner:WindowMs"] = "100",
        ["Pipeline:OrtTuner:WarmupMs"] = "50",
        ["Pipeline:OrtTuner:MaxWindowsPerTrial"] = "4",
        ["Pipeline:OrtTuner:AccuracySamples"] = "4",
        ["Pipeline:OrtTuner:MaxTrials"] = maxTrials.ToString(),
        ["Pipeline:OrtTuner:QuantizationEnabled"] = int8.ToString(),
        ["Pipeline:OrtTuner:Fp16OnCpu"] = fp16.ToString(),
        ["Pipeline:OrtTuner:Tolerance"] = tolerance.ToString("R", System.Globalization.CultureInfo.InvariantCulture),
    };

    [Fact]
    public async Task Tunes_the_demo_bert_over_settings_and_precision_and_writes_the_csv_and_a_config_carrying_the_choice()
    {
        await using var stage = await StageHarness.StartAsync(x => x.AddOrtTuner(), Fast(maxTrials: 3));
        var id = Guid.NewGuid();
        var request = await ConvertedBertAsync(stage.Store, id);

        await stage.SendAndWaitAsync(request, TimeSpan.FromMinutes(3));

        Assert.Null(stage.Published<StageFailed>());
        var tuned = Assert.IsType<OrtTuned>(stage.Published<OrtTuned>());
        var baseline = tuned.Trials[0];
        Assert.Equal(("default", OrtSettings.Default), (baseline.Candidate, baseline.Settings)); // the baseline is always measured, first
        Assert.Equal((true, 0.0), (baseline.AccuracyOk, baseline.MaxAbsDiff));
        Assert.Equal(baseline.ThroughputPerSec, tuned.DefaultThroughputPerSec);
        Assert.True(tuned.TunedThroughputPerSec >= tuned.DefaultThroughputPerSec);
        var chosen = Assert.Single(tuned.Trials, t => t.Candidate == tuned.ChosenCandidate);
        Assert.Equal((tuned.Best, tuned.TunedThroughputPerSec), (chosen.Settings, chosen.ThroughputPerSec));
        Assert.Equal(3, tuned.Trials.Count(t => t.Settings.Precision == "fp32"));
        Assert.Contains(tuned.Trials, t => t.Settings.Precision == "int8");
        var fp16 = Assert.Single(tuned.Trials, t => t.Settings.Precision == "fp16");
        Assert.Contains("in a child process", fp16.Note);
        Assert.True(fp16.Error is null || fp16.Error.StartsWith("rejected", StringComparison.Ordinal), fp16.Error);
        Assert.All(tuned.Trials.Where(t => t.Error is null), t => Assert.True(t.AccuracyOk));

        // ort-tuning.csv: the exact header, a row per candidate, the default named, exactly one chosen.
        Assert.Equal(ArtifactStore.UriFor(id, "ort-tuner", "ort-tuning.csv"), tuned.TuningCsvUri);
        var csv = (await stage.Store.ReadTextAsync(tuned.TuningCsvUri!)).TrimEnd('\n').Split('\n');
        Assert.Equal(OrtTuningCsv.Header, csv[0]);
        Assert.Equal(tuned.Trials.Count + 1, csv.Length);
        Assert.StartsWith("default,CPU,fp32,99,0,0,sequential,1,", csv[1]);
        Assert.Single(csv.Skip(1), line => Cell(line, 14) == "yes");
        Assert.StartsWith(tuned.ChosenCandidate + ",", csv.Single(line => Cell(line, 14) == "yes"));

        // The tuned entry: the default config plus the chosen ORT settings, and the model those settings ran beside it.
        Assert.Equal(ArtifactStore.UriFor(id, "ort-tuner", "model_repository", "bert", "config.pbtxt"), tuned.TunedConfigUri);
        var config = ModelConfigFile.Read(stage.Store.PathFor(tuned.TunedConfigUri));
        Assert.Equal(("bert", 16, 3), (config.Name, config.MaxBatchSize, config.Input.Count));
        Assert.Equal(tuned.Best, OrtConfigParameters.Read(config));
        var served = stage.Store.PathFor(tuned.TunedOnnxUri);
        Assert.Equal(tuned.Best.Precision == "int8", File.ReadAllText(served, System.Text.Encoding.Latin1).Contains("DynamicQuantizeMatMul"));

        var report = TuningReport.FromJson(await stage.Store.ReadTextAsync(ArtifactStore.UriFor(id, "ort-tuner", "trials.json")));
        Assert.Equal(tuned.Trials, report.Trials);
        Assert.Equal(tuned.ChosenCandidate, report.ChosenCandidate);
        Assert.False(Directory.Exists(stage.Store.PathFor(ArtifactStore.UriFor(id, "ort-tuner", "work")))); // transformed candidates are cleaned up
    }

    [Fact]
    public async Task A_trial_whose_outputs_drift_past_the_fp32_tolerance_is_rejected_with_its_difference()
    {
        // Tolerance 0: any reordering of float sums by a graph rewrite counts as drift.
        await using var stage = await StageHarness.StartAsync(x => x.AddOrtTuner(), Fast(maxTrials: 3, tolerance: 0, int8: false, fp16: false));

        await stage.SendAndWaitAsync(await ConvertedBertAsync(stage.Store, Guid.NewGuid()));

        var tuned = Assert.IsType<OrtTuned>(stage.Published<OrtTuned>());
        Assert.Equal(0, tuned.Trials[0].MaxAbsDiff);
        Assert.All(tuned.Trials.Skip(1).Where(t => t.Settings.Precision == "fp32"), t =>
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
    public async Task Every_candidate_is_measured_at_every_batch_size_and_chosen_at_the_first()
    {
        var settings = Fast(maxTrials: 2, int8: false, fp16: false);
        settings["Pipeline:OrtTuner:BatchSizes:0"] = "1";
        settings["Pipeline:OrtTuner:BatchSizes:1"] = "4";
        await using var stage = await StageHarness.StartAsync(x => x.AddOrtTuner(), settings);
        var id = Guid.NewGuid();

        await stage.SendAndWaitAsync(await ConvertedBertAsync(stage.Store, id));

        var tuned = Assert.IsType<OrtTuned>(stage.Published<OrtTuned>());
        Assert.Equal(1, tuned.BatchSize);
        Assert.All(tuned.Trials.GroupBy(t => t.Candidate), g => Assert.Equal([1, 4], g.Select(t => t.BatchSize)));
        Assert.All(tuned.Trials.Where(t => t.BatchSize == 4 && t.Error is null), t => Assert.True(t.ThroughputPerSec > 0));
        var csv = (await stage.Store.ReadTextAsync(tuned.TuningCsvUri!)).TrimEnd('\n').Split('\n').Skip(1).ToList();
        Assert.Equal("1", Cell(Assert.Single(csv, line => Cell(line, 14) == "yes"), 7));
    }

    [Fact]
    public async Task A_trial_that_crashes_its_process_fails_that_candidate_and_the_tuner_goes_on()
    {
        // A child that dies of SIGSEGV, as ONNX Runtime does on some fp16 models: here a shell that signals itself.
        var settings = Fast(maxTrials: 2, int8: false, fp16: true);
        settings["Pipeline:OrtTuner:TrialWorkerCommand:0"] = "/bin/sh";
        settings["Pipeline:OrtTuner:TrialWorkerCommand:1"] = "-c";
        settings["Pipeline:OrtTuner:TrialWorkerCommand:2"] = "kill -SEGV $$";
        await using var stage = await StageHarness.StartAsync(x => x.AddOrtTuner(), settings);

        await stage.SendAndWaitAsync(await ConvertedBertAsync(stage.Store, Guid.NewGuid()));

        var tuned = Assert.IsType<OrtTuned>(stage.Published<OrtTuned>());
        var fp16 = Assert.Single(tuned.Trials, t => t.Settings.Precision == "fp16");
        Assert.StartsWith("crashed: signal 11 (SIGSEGV)", fp16.Error);
        Assert.NotEqual(fp16.Candidate, tuned.ChosenCandidate);
        Assert.True(tuned.Trials[0].ThroughputPerSec > 0);
    }

    [Fact]
    public async Task With_every_trial_isolated_the_real_worker_process_measures_and_reports_outputs()
    {
        var settings = Fast(maxTrials: 2, int8: false, fp16: false);
        settings["Pipeline:OrtTuner:IsolateAllTrials"] = "true";
        await using var stage = await StageHarness.StartAsync(x => x.AddOrtTuner(), settings);

        await stage.SendAndWaitAsync(await ConvertedBertAsync(stage.Store, Guid.NewGuid()), TimeSpan.FromMinutes(3));

        var tuned = Assert.IsType<OrtTuned>(stage.Published<OrtTuned>());
        var measured = tuned.Trials.Where(t => t.Settings.Precision == "fp32").ToList();
        Assert.Equal(2, measured.Count);
        Assert.All(measured, t =>
        {
            Assert.Null(t.Error);
            Assert.Contains("in a child process", t.Note);
            Assert.True(t.ThroughputPerSec > 0);
            Assert.True(t.AccuracyOk);
        });
        Assert.Equal(0, tuned.Trials[0].MaxAbsDiff); // the child ran the very inputs the reference ran on
    }

    [Fact]
    public async Task Real_input_data_sizes_open_inputs_and_is_what_the_gate_runs_on()
    {
        await using var stage = await StageHarness.StartAsync(x => x.AddOrtTuner(), Fast(maxTrials: 1, int8: false, fp16: false));
        var id = Guid.NewGuid();
        var request = await ConvertedBertAsync(stage.Store, id);
        var dataUri = ArtifactStore.UriFor(id, "upload", "inputs.json");
        WriteInputData(stage.Store.PathFor(dataUri), DemoModels.BertInputs(), steps: 3);
        TensorSpec[] open = [.. DemoModels.BertInputs().Select(i => i with { Shape = [-1, -1] })];

        await stage.SendAndWaitAsync(request with { Inputs = open, InputDataUri = dataUri });

        Assert.Null(stage.Published<StageFailed>());
        var tuned = Assert.IsType<OrtTuned>(stage.Published<OrtTuned>());
        Assert.True(tuned.Trials[0].ThroughputPerSec > 0);
        Assert.True(tuned.Trials[0].AccuracyOk);
    }

    [Fact]
    public async Task Int8_left_out_says_so_in_its_row()
    {
        await using var stage = await StageHarness.StartAsync(x => x.AddOrtTuner(), Fast(maxTrials: 1, int8: false, fp16: false));
        var id = Guid.NewGuid();

        await stage.SendAndWaitAsync(await ConvertedBertAsync(stage.Store, id));

        var tuned = Assert.IsType<OrtTuned>(stage.Published<OrtTuned>());
        var int8 = Assert.Single(tuned.Trials, t => t.Settings.Precision == "int8");
        Assert.StartsWith("skipped: quantization not enabled", int8.Error);
        var csv = await stage.Store.ReadTextAsync(tuned.TuningCsvUri!);
        Assert.Contains("int8,CPU,int8,99,0,0,sequential,1,,,,,,,no,\"skipped: quantization not enabled", csv);
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
    public async Task Inputs_with_open_dimensions_besides_the_batch_fail_naming_each_and_the_ways_to_size_them()
    {
        await using var stage = await StageHarness.StartAsync(x => x.AddOrtTuner(), Fast(maxTrials: 2));
        var request = await ConvertedBertAsync(stage.Store, Guid.NewGuid());
        TensorSpec[] open = [.. DemoModels.BertInputs().Select(i => i with { Shape = [-1, -1] })];

        await stage.SendAndWaitAsync(request with { Inputs = open });

        var failed = Assert.IsType<StageFailed>(stage.Published<StageFailed>());
        Assert.Contains("input_names, input_mask, segment_ids have dynamic dimensions besides the batch", failed.Reason);
        Assert.Contains("--shape", failed.Reason);
        Assert.Contains("InputDataUri", failed.Reason);
    }

    [Fact]
    public async Task Shapes_that_do_not_fit_the_model_fail_saying_how_they_differ()
    {
        await using var stage = await StageHarness.StartAsync(x => x.AddOrtTuner(), Fast(maxTrials: 2));
        var request = await ConvertedBertAsync(stage.Store, Guid.NewGuid());
        TensorSpec[] wrongRank = [.. DemoModels.BertInputs().Select(i => i with { Shape = [-1, 16, 16] })];

        await stage.SendAndWaitAsync(request with { Inputs = wrongRank });

        var failed = Assert.IsType<StageFailed>(stage.Published<StageFailed>());
        Assert.Contains("declared with 3 dimensions [-1, 16, 16] but the model's has 2", failed.Reason);
    }

    [Fact]
    public async Task Input_data_that_is_missing_or_does_not_fit_fails_and_the_next_tuning_runs_normally()
    {
        await using var stage = await StageHarness.StartAsync(x => x.AddOrtTuner(), Fast(maxTrials: 1, int8: false, fp16: false));
        var first = Guid.NewGuid();
        var request = await ConvertedBertAsync(stage.Store, first);
        var missing = ArtifactStore.UriFor(first, "upload", "none.json");
        var wrongUri = ArtifactStore.UriFor(first, "upload", "wrong.json");
        WriteInputData(stage.Store.PathFor(wrongUri), [new TensorSpec("pixels", "FP32", [-1, 4])], steps: 1);

        await stage.SendAndWaitAsync(request with { InputDataUri = missing });
        await stage.SendAndWaitAsync(request with { InputDataUri = wrongUri });
        var second = Guid.NewGuid();
        await stage.SendAndWaitAsync(await ConvertedBertAsync(stage.Store, second));

        var failures = stage.AllPublished<StageFailed>();
        Assert.Equal(2, failures.Count);
        Assert.Contains("Cannot use the input data", failures[0].Reason);
        Assert.Contains("does not exist", failures[0].Reason);
        Assert.Contains("'pixels'", failures[1].Reason);
        Assert.Equal(second, Assert.Single(stage.AllPublished<OrtTuned>()).PipelineId);
        // Nothing was written for the failed tunings but what the test put there: no tuned entry, no leftovers.
        Assert.Equal(["converter", "upload"], Directory.GetDirectories(Path.Combine(stage.Store.Root, first.ToString("N"))).Select(Path.GetFileName).Order());
    }

    [Fact]
    public async Task A_cancelled_pipeline_stops_tuning_between_trials_and_publishes_no_result()
    {
        var candidates = OrtSearchSpace.Levels(ExecutionProviders.Detect()).Count;
        Assert.True(candidates >= 3, $"only {candidates} first-round candidates on this machine; the test needs trials left to skip");
        // Trials of a second or more each: the cancel lands long before the search could finish.
        var slow = Fast(maxTrials: 6);
        slow["Pipeline:OrtTuner:WindowMs"] = "1000";
        await using var stage = await StageHarness.StartAsync(x => x.AddOrtTuner(), slow);
        var id = Guid.NewGuid();

        var consumed = stage.SendAndWaitAsync(await ConvertedBertAsync(stage.Store, id), TimeSpan.FromMinutes(3));
        await Eventually.TrueAsync(() => stage.AllPublished<StageProgress>().Any(IsTrial), TimeSpan.FromMinutes(2), "the first trial to finish");
        await stage.Harness.Bus.Publish(new PipelineCancelled(id, PipelineStage.Tuning, "the user cancelled"));
        await consumed;

        Assert.Null(stage.Published<OrtTuned>());
        Assert.Null(stage.Published<StageFailed>());
        // The trial running when the cancel came may still report; none after it starts.
        Assert.InRange(stage.AllPublished<StageProgress>().Count(IsTrial), 1, 2);
        Assert.False(File.Exists(stage.Store.PathFor(OrtTunerArtifacts.Trials(id))), "a cancelled tuning wrote its trials report");
    }

    /// <summary>A trial's progress line: "candidate (settings): figures or why it failed".</summary>
    private static bool IsTrial(StageProgress progress) =>
        System.Text.RegularExpressions.Regex.IsMatch(progress.Message, @"^[\w.-]+ \([^)]*\): ");

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

    /// <summary>perf_analyzer input data for <paramref name="inputs"/>: generated values, each step with its shape.</summary>
    private static void WriteInputData(string path, IReadOnlyList<TensorSpec> inputs, int steps) =>
        PerfAnalyzerInputDataWriter.Write(path, Enumerable.Range(0, steps).Select(seed => (IReadOnlyList<InputDataTensor>)InputFactory
            .CreateRaw(inputs, 1, seed)
            .Select(t => new InputDataTensor(t.Name, t.Shape[1..], null, t.Data))
            .ToList()));

    /// <summary>Cell <paramref name="index"/> of a CSV line whose quoted cells (if any) come after it.</summary>
    private static string Cell(string line, int index) => line.Split(',')[index];
}
