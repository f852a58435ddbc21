using System.Diagnostics;
using InferencePipeline.Cli.Composition;
using InferencePipeline.Contracts;
using InferencePipeline.OrtTuner;
using Microsoft.Extensions.Logging;

namespace InferencePipeline.Benchmarks.Tuning;

/// <summary>
/// The tuning figures on real pretrained models, <c>InferencePipeline.Benchmarks tuning</c>, each a ratio of two sides
/// measured in the same run:
/// <list type="bullet">
/// <item>ORT tuning alone: the tuning engine with the pipeline's default options, the chosen candidate ÷ ONNX Runtime's
///   defaults at batch 1, single stream (goal ≥ 1.5x on the transformer, inside the accuracy gate), and what fp16 did on CPU;</item>
/// <item>the whole pipeline: the in-process pipeline as <c>inferpipe demo</c> composes it (convert, tune, profile the
///   serving configs, analyze), its best config ÷ the converter's default config, throughput within the p99 budget
///   (goal ≥ 2x on the transformer), read from the pipeline's outcome.</item>
/// </list>
/// </summary>
public static class TuningBenchmark
{
    public const string Command = "tuning";

    public static async Task<int> RunAsync(IReadOnlyList<string> args)
    {
        TuningBenchmarkArguments arguments;
        try
        {
            arguments = TuningBenchmarkArguments.Parse(args);
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine(e.Message);
            Console.Error.WriteLine(TuningBenchmarkArguments.Usage);
            return 2;
        }

        var started = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        var loadBefore = LoadAverage.Read();
        Console.WriteLine($"Tuning benchmark ({(arguments.Quick ? "quick" : "default")}): {Environment.ProcessorCount} cores, load average {loadBefore}, " +
                          $"int8 here: {CpuInt8Support.Current.Detail}");
        var work = Directory.CreateTempSubdirectory("inferpipe-tuning-bench-").FullName;
        var figures = new List<Figure>();
        var measurements = new List<Measurement>();
        using var logging = LoggerFactory.Create(b => b.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Information));
        try
        {
            foreach (var name in arguments.Models)
            {
                var model = TuningModel.Prepare(name, Path.Combine(work, name));
                Console.WriteLine($"{name}: {model.Description}");
                figures.AddRange(await TuneAloneAsync(model, arguments, Path.Combine(work, name, "tune"), logging.CreateLogger("OrtTuning")));
                if (arguments.Pipeline)
                {
                    var (figure, points) = await WholePipelineAsync(model, arguments, Path.Combine(work, name, "pipeline"));
                    figures.Add(figure);
                    measurements.AddRange(points);
                }
            }
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }

        var report = new BenchmarkReport(started, clock.Elapsed, arguments.Quick, Environment.ProcessorCount, loadBefore, LoadAverage.Read(), figures, measurements);
        ReportConsole.Write(Console.Out, report);
        var files = await ReportFiles.WriteAsync(arguments.OutputDirectory, report);
        Console.WriteLine($"Results written to {string.Join(", ", files)}");
        return 0;
    }

    private static OrtTunerOptions TunerOptions(bool quick) =>
        quick ? new OrtTunerOptions { WindowMs = 200, WarmupMs = 100, MaxWindowsPerTrial = 4, AccuracySamples = 8 } : new OrtTunerOptions();

    /// <summary>The tuning engine alone, as the pipeline's stage runs it: chosen ÷ defaults, and fp16 on CPU ÷ defaults.</summary>
    private static async Task<IReadOnlyList<Figure>> TuneAloneAsync(TuningModel model, TuningBenchmarkArguments arguments, string work, ILogger logger)
    {
        var options = TunerOptions(arguments.Quick);
        var inputData = model.InputDataPath is { } path ? InferencePipeline.LoadGen.PerfAnalyzerInputData.Load(path) : null;
        var modelInfo = InferencePipeline.Onnx.OnnxModelInspector.Inspect(model.ModelPath);
        var inputs = TuningInputs.Resolve(model.Inputs, modelInfo.Inputs, data: inputData);
        var result = await new OrtTuning(options, new OrtTuningJob(model.ModelPath, inputs, inputData, model.InputDataPath, work), logger).RunAsync(CancellationToken.None);
        Console.Write(OrtTuningCsv.Format(result));
        var chosen = result.Chosen;
        var accuracy = chosen.AccuracyMetric is null ? "" : $", {chosen.AccuracyMetric} {chosen.AccuracyValue:0.#####}, max |diff| {chosen.MaxAbsDiff:G3}";
        // The trials ran one after another while the machine's load drifted; the figure is the chosen candidate and the
        // defaults timed again in alternating rounds, so a load change hits both alike.
        var fp16 = result.Trials.FirstOrDefault(t => t.BatchSize == result.ChoiceBatchSize && t.Settings.Precision == "fp16" && t.Settings.ExecutionProvider == "CPU");
        var fp16Path = Path.Combine(work, "model-fp16.onnx");
        // Each precision candidate is also timed against fp32 at its very settings: that share of the gain is the precision's own.
        var timed = new Dictionary<string, (string Path, OrtSettings Settings)>
        {
            ["default"] = (model.ModelPath, OrtSettings.Default),
            ["chosen"] = (result.ChosenModelPath, chosen.Settings),
            ["chosen-fp32"] = (model.ModelPath, chosen.Settings with { Precision = "fp32" }),
        };
        if (fp16 is { Error: null } && File.Exists(fp16Path))
        {
            timed["fp16"] = (fp16Path, fp16.Settings);
            timed["fp16-fp32"] = (model.ModelPath, fp16.Settings with { Precision = "fp32" });
        }

        var ms = Interleaved(inputs, inputData, timed, arguments.Quick);
        var (defaultMs, chosenMs) = (ms["default"], ms["chosen"]);
        var ratio = defaultMs / chosenMs;
        var tuning = new Figure(
            $"ORT tuning alone, {model.Name}: chosen ÷ ORT defaults (batch 1, single stream)",
            $"{result.ChosenCandidate} ({chosen.Settings}): {chosen.ThroughputPerSec:0.0} infer/s in the search ({result.Speedup:0.00}x there){accuracy}; " +
            $"interleaved: {chosenMs:0.0} ms vs {defaultMs:0.0} ms, {chosen.Settings.Precision} vs fp32 at the same settings {ms["chosen-fp32"] / chosenMs:0.00}x",
            $"{result.Baseline.ThroughputPerSec:0.0} infer/s (ORT defaults, in the search)",
            ratio,
            $"{ratio:0.00}x",
            model.TuningGoal is { } goal ? $">= {goal} inside the accuracy gate" : "-",
            model.TuningGoal is { } g ? ratio >= g && chosen.AccuracyOk == true : null,
            $"OrtTuning with the pipeline's default options ({result.Trials.Select(t => t.Candidate).Distinct().Count()} candidates, tuned in " +
            $"{result.Elapsed.TotalSeconds:0} s): each candidate judged against the fp32 model at ONNX Runtime's defaults on " +
            $"{(model.InputDataPath is null ? "generated inputs" : "the real input data")}, then timed in process (perf_analyzer's windows and stability rule); " +
            $"the choice beats the defaults by more than half the stability margin or stays the defaults. The value is the median latency of the " +
            $"defaults ÷ the chosen candidate's, timed again in {InterleavedRounds(arguments.Quick)} alternating rounds on one input. " +
            $"Notes: {string.Join("; ", result.Notes)}");
        var figures = new List<Figure> { tuning };
        if (fp16 is not null)
        {
            var fp16Ms = ms.GetValueOrDefault("fp16");
            var fp32Ms = ms.GetValueOrDefault("fp16-fp32");
            var fp16Ratio = fp16Ms > 0 ? fp32Ms / fp16Ms : 0;
            figures.Add(new Figure(
                $"fp16 on CPU, {model.Name}: fp16 model ÷ fp32 model at the same settings (batch 1)",
                fp16.Error ?? $"{fp16Ms:0.0} ms interleaved ({fp16.Settings}; {fp16.ThroughputPerSec:0.0} infer/s in the search; {defaultMs / fp16Ms:0.00}x the ORT defaults), " +
                $"{fp16.AccuracyMetric} {fp16.AccuracyValue:0.#####}, max |diff| {fp16.MaxAbsDiff:G3}",
                $"{fp32Ms:0.0} ms (fp32 at the same settings, interleaved)",
                fp16Ratio,
                fp16.Error is null ? $"{fp16Ratio:0.00}x" : "failed",
                "-",
                null,
                "The fp16 candidate of the same tuning run (Fp16Converter; fragile ops kept fp32; tried in a child process at the best CPU settings), " +
                "timed again with the same settings on the fp32 model (and the defaults) in alternating rounds. ONNX Runtime's CPU provider has few fp16 kernels, so " +
                "this says what fp16 costs on a CPU."));
        }

        return figures;
    }

    private static int InterleavedRounds(bool quick) => quick ? 5 : 11;

    /// <summary>Median latency of each named session (a model file with settings), timed in alternating rounds on one input.</summary>
    private static Dictionary<string, double> Interleaved(
        IReadOnlyList<TensorSpec> inputs, InferencePipeline.LoadGen.PerfAnalyzerInputData? inputData,
        IReadOnlyDictionary<string, (string Path, OrtSettings Settings)> timed, bool quick)
    {
        var input = (inputData is null
                ? InferencePipeline.OrtTuner.Trials.AccuracyInputSets.Generated(inputs, 1)
                : InferencePipeline.OrtTuner.Trials.AccuracyInputSets.FromInputData(inputData, inputs, 1))[0]
            .Select(t => t.ToNamedOnnxValue()).ToList();
        var sessions = new Dictionary<string, Microsoft.ML.OnnxRuntime.InferenceSession>();
        try
        {
            foreach (var (name, (path, settings)) in timed)
            {
                sessions[name] = InferencePipeline.Onnx.OrtSessionFactory.Create(path, settings);
            }

            return Precision.InterleavedTiming.MedianMs(sessions, input, InterleavedRounds(quick), 10);
        }
        finally
        {
            foreach (var session in sessions.Values)
            {
                session.Dispose();
            }
        }
    }

    /// <summary>The in-process pipeline, as the demo runs it: best serving config ÷ default config within the budget.</summary>
    private static async Task<(Figure Figure, IReadOnlyList<Measurement> Points)> WholePipelineAsync(TuningModel model, TuningBenchmarkArguments arguments, string root)
    {
        var overrides = arguments.Quick
            ? new Dictionary<string, string?> { ["Pipeline:OrtTuner:WindowMs"] = "200", ["Pipeline:OrtTuner:AccuracySamples"] = "8", ["Pipeline:Profiler:WarmupLimit"] = "00:00:05" }
            : [];
        // The pretrained models and their input data live in the package cache or beside the benchmark, not under the current directory.
        foreach (var (key, folder) in DemoModel.ReadableFolders(model.ModelPath, model.InputDataPath))
        {
            overrides[key] = folder;
        }
        var space = arguments.Quick ? new SearchSpace([1, 4], [4], [1, 2], MeasurementWindowMs: 300) : SearchSpace.Small;
        if (model.Inputs.Any(i => i.Shape.Count == 0 || i.Shape[0] >= 0))
        {
            // A model whose first dimension is fixed cannot batch (Triton's max_batch_size 0): search instances only.
            space = space with { PreferredBatchSizes = [] };
        }

        var request = new StartPipeline(Guid.NewGuid(), model.Name, model.ModelPath, ModelFormat.Auto, model.Inputs, [],
            new PipelineConstraints(MaxLatencyP99Ms: arguments.LatencyBudgetMs), Objective.Default, space, new DeployTarget(DeployTargetKind.None),
            InputDataUri: model.InputDataPath);
        Console.WriteLine($"  whole pipeline on {model.Name} (p99 budget {arguments.LatencyBudgetMs} ms, {space.Concurrency.Count} concurrencies) ...");
        var clock = Stopwatch.StartNew();
        await using var host = await PipelineHost.InProcessAsync(root, CancellationToken.None, overrides);
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(30));
        await host.StartPipelineAsync(request, timeout.Token);
        var outcome = await host.Events.WaitForEndAsync(request.PipelineId, timeout.Token);
        var points = outcome.Measurements.Select(m => new Measurement($"{model.Name} {m.Config.Name}", m.Concurrency, 1, m.Stats)).ToList();
        if (outcome.Tuned?.TuningCsvUri is { } csv && File.Exists(host.LocalPath(csv)))
        {
            Console.WriteLine($"  the pipeline's tuning ({model.Name}):");
            Console.Write(await File.ReadAllTextAsync(host.LocalPath(csv)));
        }

        if (outcome.Completed is not { } completed)
        {
            var reason = outcome.Failed?.Reason ?? outcome.Cancelled?.Reason ?? "no end heard";
            return (new Figure($"Whole pipeline, {model.Name}", $"failed: {reason}", "-", 0, "failed", model.PipelineGoal is { } g0 ? $">= {g0}" : "-",
                model.PipelineGoal is null ? null : false, "The in-process pipeline did not complete."), points);
        }

        double ratio = completed.DefaultThroughputPerSec > 0 ? completed.BestThroughputPerSec / completed.DefaultThroughputPerSec : 0;
        double ortRatio = completed.DefaultThroughputPerSec > 0 ? completed.OrtTunedThroughputPerSec / completed.DefaultThroughputPerSec : 0;
        var analyzed = outcome.Analyzed;
        var best = analyzed is null ? completed.BestConfigName
            : $"{analyzed.Best.Name}: {analyzed.Best.BatchingSummary}, {analyzed.Best.InstanceCount} instance(s), c={analyzed.BestConcurrency}, p99 {analyzed.BestStats.P99Ms:0.0} ms";
        return (new Figure(
            $"Whole pipeline, {model.Name}: best serving config ÷ default config (throughput at p99 <= {arguments.LatencyBudgetMs} ms)",
            $"{best}: {completed.BestThroughputPerSec:0.0} infer/s; ORT-tuned config alone {completed.OrtTunedThroughputPerSec:0.0} infer/s ({ortRatio:0.00}x); tuned {outcome.Tuned?.ChosenCandidate}",
            completed.DefaultThroughputPerSec > 0 ? $"{completed.DefaultThroughputPerSec:0.0} infer/s (no batching, 1 instance)" : "the default config met the budget nowhere",
            ratio,
            completed.DefaultThroughputPerSec > 0 ? $"{ratio:0.00}x" : "n/a",
            model.PipelineGoal is { } goal ? $">= {goal}" : "-",
            model.PipelineGoal is { } g ? ratio >= g : null,
            $"The in-process pipeline (inferpipe demo's composition: in-memory bus, embedded inference server) ran convert, ORT tuning, the serving " +
            $"search ({space.PreferredBatchSizes.Count} batch sizes × {space.InstanceCounts.Count} instance counts at concurrency {string.Join('/', space.Concurrency)}, " +
            $"{space.MeasurementWindowMs} ms windows) and the analysis in {clock.Elapsed.TotalSeconds:0} s; both sides are read from its PipelineCompleted."), points);
    }
}
