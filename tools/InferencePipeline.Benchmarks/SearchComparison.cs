using System.Diagnostics;
using Inference;
using InferencePipeline.Contracts;
using InferencePipeline.InferenceServer;
using InferencePipeline.KServe.Client;
using InferencePipeline.ModelAnalyzer.Config;
using InferencePipeline.ModelAnalyzer.Measuring;
using InferencePipeline.ModelAnalyzer.Profiling;
using InferencePipeline.ModelAnalyzer.Reports;
using InferencePipeline.ModelAnalyzer.Search;
using InferencePipeline.ModelRepository;
using InferencePipeline.Onnx;
using InferencePipeline.PretrainedModels;

namespace InferencePipeline.Benchmarks;

/// <summary>
/// The search quality bar, measured: for each model, Model Analyzer's brute force and our quick (hill-climbing)
/// search run one after the other on the same embedded server, with the same YAML but run_config_search_mode, each
/// from scratch (no checkpoint). Reported: the best throughput each found within the latency budget, the measurements
/// and configs each took, and the wall time; the goal is quick ≥ 95% of brute's best with ≤ 1/3 of its measurements.
/// Each search's best is the highest of many noisy measurements, and brute force takes more of them, so the two
/// chosen points are then measured again, alternating, over <see cref="ConfirmRounds"/> rounds: that ratio is the
/// figure, the ratio as found is reported beside it.
/// </summary>
public static class SearchComparison
{
    public const double BestGoal = 0.95;
    public const double MeasurementGoal = 1.0 / 3;
    public const int ConfirmRounds = 3;

    /// <summary>The models compared, as <c>--search-models</c> names them.</summary>
    public static IReadOnlyList<string> ModelNames { get; } = ["bert_demo", "resnet18"];

    /// <summary>The two models: the demo BERT (Model Analyzer's automatic space) and the pretrained ResNet18 (fixed batch 1: instances × ONNX Runtime threads).</summary>
    public static IReadOnlyList<SearchCase> Cases(string workDirectory)
    {
        var bert = Path.Combine(workDirectory, "bert_demo.onnx");
        DemoModels.WriteBert(bert);
        var resnet = ResNet18Model.Locate();
        var info = OnnxModelInspector.Inspect(resnet);
        return
        [
            new(ModelNames[0], bert, DemoModels.BertInputs(), DemoModels.BertOutputs(), 16, """
                run_config_search_max_instance_count: 4
                run_config_search_max_model_batch_size: 32
                run_config_search_max_concurrency: 64
                """, LatencyBudgetMs: 100),
            new(ModelNames[1], resnet, info.Inputs, info.Outputs, 0, """
                run_config_search_max_instance_count: 5
                run_config_search_max_concurrency: 32
                profile_models:
                  resnet18:
                    model_config_parameters:
                      parameters:
                        intra_op_thread_count: [1, 2]
                        inter_op_thread_count: [1, 2]
                """, LatencyBudgetMs: 1000),
        ];
    }

    public static async Task<(IReadOnlyList<Figure> Figures, IReadOnlyList<Measurement> Measurements)> RunAsync(
        BenchmarkArguments arguments, TextWriter log, CancellationToken cancellationToken = default)
    {
        var work = Directory.CreateTempSubdirectory("inferpipe-search-").FullName;
        try
        {
            var figures = new List<Figure>();
            var measurements = new List<Measurement>();
            foreach (var model in Cases(work).Where(c => arguments.SearchModels is null || arguments.SearchModels.Contains(c.Name)))
            {
                var (brute, quick, points) = await CompareAsync(model, arguments, work, log, cancellationToken);
                figures.AddRange(Figures(model, brute, quick));
                measurements.AddRange(points);
            }

            return (figures, measurements);
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    private static async Task<(SearchRun Brute, SearchRun Quick, IReadOnlyList<Measurement> Points)> CompareAsync(
        SearchCase model, BenchmarkArguments arguments, string work, TextWriter log, CancellationToken ct)
    {
        var repository = Path.Combine(work, model.Name, "model_repository");
        var output = Path.Combine(work, model.Name, "output");
        Directory.CreateDirectory(output);
        await ModelRepositoryLayout.CreateEntryAsync(repository, model.Name, model.ModelPath,
            DefaultModelConfig.Create(model.Name, model.Inputs, model.Outputs, model.MaxBatchSize));
        var yaml = $"model_repository: {repository}\noutput_model_repository_path: {output}\nlatency_budget: {model.LatencyBudgetMs}\n{model.SearchYaml}\n";
        if (!yaml.Contains("profile_models", StringComparison.Ordinal))
        {
            yaml += $"profile_models: [{model.Name}]\n";
        }

        var warnings = new List<string>();
        var config = ModelAnalyzerYaml.Parse(yaml, $"{model.Name}.yml", work, warnings);
        await using var server = await EmbeddedInferenceServer.StartAsync(
            new InferenceServerOptions { ModelRepository = output, ControlMode = ModelControlMode.Explicit }, port: 0, ct);
        using var channel = KServeChannel.Create(server.GrpcAddress);
        var control = new KServeModelControl(new GRPCInferenceService.GRPCInferenceServiceClient(channel));

        var points = new List<Measurement>();
        var runs = new List<SearchRun>();
        var warm = false;
        foreach (var mode in new[] { ConfigSearchMode.Brute, ConfigSearchMode.Quick })
        {
            var job = ProfileJobFactory.Build(config with { SearchMode = mode }, n => Path.Combine(output, n, ModelConfigFile.FileName),
                new GpuFallback(false, warnings.Add), warnings).Single();
            var settings = new MeasurementSettings(arguments.SearchOptions, WarmupLimit: warm ? TimeSpan.Zero : TimeSpan.FromSeconds(15), UnloadAfterEachConfig: true);
            warm = true;
            var measurer = new KServeServingMeasurer(server.GrpcAddress, control, c => c.Name, settings);
            var engine = new ProfileEngine(measurer, NoCheckpoints.Instance,
                new ObserverFanOut(new OutputEntriesObserver(OutputModelRepository.Prepare(config with { OverrideOutputModelRepository = true }, resuming: true)), new LogObserver(log, mode)));
            log.WriteLine($"{model.Name}: {mode} search, {job.DistinctConfigs().Count} configs in the space, at most {job.MaxMeasurements(job.DistinctConfigs().Count)} measurements");
            var clock = Stopwatch.StartNew();
            var measured = await engine.ProfileAsync(job, ct);
            clock.Stop();
            await measurer.UnloadAllAsync();
            ResultsAnalysis analysis;
            try
            {
                analysis = ResultsRanker.Analyze(model.Name, measured, job.Constraints, Objective.Default, defaultIsCandidate: true);
            }
            catch (AnalysisException e)
            {
                // Reported, not thrown: on a busy machine a search may find nothing within the budget.
                log.WriteLine($"{model.Name}: {mode}: {e.Message} Its best point regardless of the budget is reported.");
                analysis = ResultsRanker.Analyze(model.Name, measured, ConstraintSet.None, Objective.Default, defaultIsCandidate: true);
            }

            var best = analysis.Best;
            runs.Add(new SearchRun(mode.ToString(), best.Config.Name, Describe(best.Config), best.Measurement.Concurrency, best.Stats.ThroughputPerSec,
                best.Stats.P99Ms, measured.Count, analysis.ConfigCount, clock.Elapsed));
            points.AddRange(measured.Select(m => new Measurement($"{model.Name} {mode} {m.Config.Name}", m.Concurrency, m.BatchSize, m.Stats)));
            log.WriteLine($"{model.Name}: {mode}: best {best.Config.Name} at c={best.Measurement.Concurrency}: {best.Stats.ThroughputPerSec:0.#} infer/s " +
                          $"(p99 {best.Stats.P99Ms:0.##} ms), {measured.Count} measurements of {analysis.ConfigCount} configs in {clock.Elapsed.TotalSeconds:0} s");
        }

        var confirmed = await ConfirmAsync(model, runs[0], runs[1], server.GrpcAddress, control, output, config, arguments, log, ct);
        return (runs[0] with { Confirmed = confirmed.Brute }, runs[1] with { Confirmed = confirmed.Quick }, points);
    }

    /// <summary>The two chosen points measured again, alternating, so machine drift hits both alike; the mean throughput of each.</summary>
    private static async Task<(double Brute, double Quick)> ConfirmAsync(
        SearchCase model, SearchRun brute, SearchRun quick, Uri address, KServeModelControl control, string output, ModelAnalyzerConfig config,
        BenchmarkArguments arguments, TextWriter log, CancellationToken ct)
    {
        if (brute.BestConfig == quick.BestConfig && brute.BestConcurrency == quick.BestConcurrency)
        {
            return (brute.BestThroughput, quick.BestThroughput);
        }

        var measurer = new KServeServingMeasurer(address, control, c => c.Name, new MeasurementSettings(arguments.SearchOptions, UnloadAfterEachConfig: true));
        var sums = new double[2];
        for (var round = 0; round < ConfirmRounds; round++)
        {
            var i = 0;
            foreach (var run in new[] { brute, quick })
            {
                var document = ModelConfigFile.ReadDocument(Path.Combine(output, run.BestConfig, ModelConfigFile.FileName));
                var planned = new PlannedServingConfig(run.BestConfig, ConfigVariant.TritonSearch, document, model.ModelPath, "");
                await using var session = await measurer.OpenAsync(planned, ct);
                var measured = await session.MeasureAsync(new LoadPoint(1, run.BestConcurrency), ct);
                sums[i++] += measured.Stats.ThroughputPerSec;
                log.WriteLine($"  [confirm {round + 1}] {run.Mode} best {run.BestConfig} c={run.BestConcurrency}: {measured.Stats.ThroughputPerSec:0.#} infer/s, p99 {measured.Stats.P99Ms:0.##} ms");
            }
        }

        return (sums[0] / ConfirmRounds, sums[1] / ConfirmRounds);
    }

    private static IReadOnlyList<Figure> Figures(SearchCase model, SearchRun brute, SearchRun quick)
    {
        var asFound = quick.BestThroughput / brute.BestThroughput;
        var best = quick.Confirmed!.Value / brute.Confirmed!.Value;
        var share = (double)quick.Measurements / brute.Measurements;
        var method =
            $"{model.Name}: p99 budget {model.LatencyBudgetMs} ms. Brute: {brute.Measurements} measurements of {brute.ConfigsMeasured} configs in {brute.Wall.TotalSeconds:0} s, " +
            $"best {brute.BestConfig} ({brute.BestSettings}) at c={brute.BestConcurrency}. Quick: {quick.Measurements} measurements of {quick.ConfigsMeasured} configs " +
            $"in {quick.Wall.TotalSeconds:0} s, best {quick.BestConfig} ({quick.BestSettings}) at c={quick.BestConcurrency}. Same server, brute first (it also warms the server up). " +
            $"As found: quick {quick.BestThroughput:0.#} / brute {brute.BestThroughput:0.#} = {asFound:0.###}; measured again alternating over {ConfirmRounds} rounds: " +
            $"quick {quick.Confirmed:0.#} / brute {brute.Confirmed:0.#} = {best:0.###}.";
        return
        [
            new Figure($"Quick search best / brute-force best, {model.Name}", $"{quick.Confirmed:0.#} infer/s (quick's choice, measured again)", $"{brute.Confirmed:0.#} infer/s (brute's choice, measured again)",
                best, $"{best:0.###}", $">= {BestGoal}", best >= BestGoal, method),
            new Figure($"Quick search measurements / brute force's, {model.Name}", $"{quick.Measurements} (quick, {quick.Wall.TotalSeconds:0} s)",
                $"{brute.Measurements} (brute, {brute.Wall.TotalSeconds:0} s)", share, $"{share:0.###}", "<= 1/3", share <= MeasurementGoal, method),
        ];
    }

    private static string Describe(ProfiledConfig c) =>
        $"{c.InstanceCount} instance(s), max_batch_size {c.MaxBatchSize}{(c.DynamicBatching ? ", dynamic batching" : "")}" +
        (c.BackendParameters is { Count: > 0 } p ? ", " + string.Join(", ", p.Select(kv => $"{kv.Key}={kv.Value}")) : "");

    /// <summary>A line per measurement, so a long comparison shows it is alive.</summary>
    private sealed class LogObserver(TextWriter log, ConfigSearchMode mode) : IProfileObserver
    {
        public Task ModelStartingAsync(string model, int configs, int maxMeasurements, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task ConfigStartingAsync(string model, PlannedServingConfig config, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task MeasuringAsync(string model, PlannedServingConfig config, LoadPoint point, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task PointAsync(ProfilePoint point, CancellationToken cancellationToken)
        {
            var s = point.Measurement.Stats;
            log.WriteLine($"  [{mode} {point.Index + 1}] {point.Config.Name} ({point.Config.Describe()}) c={point.Measurement.Concurrency}: {s.ThroughputPerSec:0.#} infer/s, p99 {s.P99Ms:0.##} ms");
            return Task.CompletedTask;
        }
    }
}
