using System.Diagnostics;
using InferencePipeline.Contracts;
using InferencePipeline.LoadGen;
using InferencePipeline.ModelRepository;
using InferencePipeline.Onnx;
using InferencePipeline.Onnx.Precision;
using InferencePipeline.OrtTuner.Trials;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.ML.OnnxRuntime;

namespace InferencePipeline.OrtTuner;

/// <summary>
/// The ORT tuner's search, OLive's <c>optimize</c> plus what a CPU needs — the one engine behind the pipeline stage
/// (<see cref="TuneOrtConsumer"/>) and <c>inferpipe tune</c>. For one model and one job:
/// <list type="number">
/// <item>the accuracy inputs (the first <see cref="OrtTunerOptions.AccuracySamples"/> steps of the real input data, or
///   generated ones) and the reference: the fp32 model at ONNX Runtime's defaults, run once on them in this process;</item>
/// <item>fp32 settings in rounds from the best so far (<see cref="OrtSearchSpace"/>), ONNX Runtime's defaults first;</item>
/// <item>precision on the best CPU settings: int8 (<see cref="Int8Recipe"/>, calibrated on the first half of the accuracy
///   inputs and judged on all of them) where the CPU has VNNI/AMX, fp16 once on CPU; fp16 on CUDA and TensorRT's fp16
///   mode where those work;</item>
/// <item>every candidate's outputs judged by the accuracy gate against the reference on the same inputs (fp32 settings
///   also within <see cref="OrtTunerOptions.Tolerance"/>), and only candidates inside it timed and choosable; each
///   timed at every batch size, the choice made at the first with <see cref="ChooseBest"/>'s noise margin.</item>
/// </list>
/// Trials that could crash ONNX Runtime (every fp16 model session, and every trial with
/// <see cref="OrtTunerOptions.IsolateAllTrials"/>) run in a child process (<see cref="IsolatedTrial"/>). One instance per job.
/// </summary>
public sealed class OrtTuning
{
    private readonly OrtTunerOptions _options;
    private readonly OrtTuningJob _job;
    private readonly ILogger _logger;
    private readonly Func<double, string, Task> _progress;
    private readonly List<OrtTrial> _trials = [];
    private readonly Dictionary<string, string> _modelOf = new(StringComparer.Ordinal);
    private readonly HashSet<OrtSettings> _tried = [];
    private readonly List<string> _notes = [];
    private readonly IReadOnlyList<int> _batchSizes;
    private readonly AccuracyCriteria _criteria;
    private readonly IReadOnlySet<string> _allowed;
    private long _started;
    private IReadOnlyList<IReadOnlyList<RawInputTensor>> _accuracyInputs = [];
    private string _accuracyInputsPath = "";
    private ReferenceAccuracyEvaluator? _reference;
    private int _planned;
    private int _fp32Trials;
    private string? _fp16ModelPath;
    private string? _fp16Refusal;

    public OrtTuning(OrtTunerOptions options, OrtTuningJob job, ILogger? logger = null, Func<double, string, Task>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(job);
        if (options.Problem() is { } problem)
        {
            throw new OrtTuningException($"The tuner's options are not usable: {problem}.");
        }

        _options = options;
        _job = job;
        _logger = logger ?? NullLogger.Instance;
        _progress = progress ?? ((_, _) => Task.CompletedTask);
        _batchSizes = options.EffectiveBatchSizes;
        _criteria = options.Criteria();
        _allowed = options.Providers.Select(OrtExecutionProviderNames.Normalize).ToHashSet(StringComparer.Ordinal);
    }

    private int ChoiceBatch => _batchSizes[0];

    /// <summary>
    /// The fastest trial inside the accuracy gate, but the baseline (<paramref name="trials"/>[0], ONNX Runtime's
    /// defaults) unless another beats it by more than the measurement noise (<see cref="OrtTunerOptions.StabilityPercentage"/>
    /// / 2): a config should not change for a gain the stability rule cannot tell from chance.
    /// </summary>
    public static OrtTrial ChooseBest(IReadOnlyList<OrtTrial> trials, OrtTunerOptions settings)
    {
        var baseline = trials[0];
        var fastest = trials.Where(Choosable).MaxBy(t => t.ThroughputPerSec) ?? baseline;
        var margin = 1 + settings.StabilityPercentage / 200;
        return fastest.ThroughputPerSec > baseline.ThroughputPerSec * margin ? fastest : baseline;
    }

    /// <summary>Measured, and not outside the accuracy gate.</summary>
    public static bool Choosable(OrtTrial trial) => trial.Error is null && trial.AccuracyOk != false && trial.ThroughputPerSec > 0;

    public async Task<OrtTuningResult> RunAsync(CancellationToken ct)
    {
        _started = Stopwatch.GetTimestamp();
        Directory.CreateDirectory(_job.WorkDirectory);
        _accuracyInputs = LoadAccuracyInputs();
        _accuracyInputsPath = Path.Combine(_job.WorkDirectory, "accuracy-inputs.json");
        AccuracyInputSets.Write(_accuracyInputsPath, _accuracyInputs, _job.Inputs);
        using (_reference = OpenReference())
        {
            var providers = _job.Providers ?? ExecutionProviders.Detect();
            var first = _options.Exhaustive
                ? OrtSearchSpace.Grid(providers, Environment.ProcessorCount, _allowed)
                : OrtSearchSpace.Levels(providers, _allowed);
            _planned = first.Count + (_options.Exhaustive ? 0 : 3) + 2 + (providers.Cuda ? 1 : 0) + (providers.TensorRt ? 1 : 0);

            await RoundAsync(first, ct);
            var baseline = AtChoiceBatch(CandidateNames.Default);
            if (baseline.Error is not null)
            {
                throw new OrtTuningException(
                    $"'{Path.GetFileName(_job.ModelPath)}' does not run with ONNX Runtime's default settings ({baseline.Error}); nothing to tune against.");
            }

            if (OrtSearchSpace.Allows(_allowed, OrtExecutionProviderNames.Cpu))
            {
                await RoundAsync(OrtSearchSpace.Threads(BestCpuFp32().Settings, Environment.ProcessorCount), ct);
                await RoundAsync(OrtSearchSpace.ExecutionModes(BestCpuFp32().Settings, Environment.ProcessorCount), ct);
                await TryInt8Async(ct);
                if (_options.Fp16OnCpu)
                {
                    await TryFp16Async(BestCpuFp32().Settings, "fp16 on CPU: few fp16 kernels there, so expect it slower", ct);
                }
            }

            await TryGpuFp16Async(providers, ct);

            var atChoice = _trials.Where(t => t.BatchSize == ChoiceBatch).OrderBy(t => t.Candidate == CandidateNames.Default ? 0 : 1).ToList();
            var chosen = ChooseBest(atChoice, _options);
            var result = new OrtTuningResult(_trials.ToList(), atChoice[0], chosen, _modelOf[chosen.Candidate!], ChoiceBatch, _notes.ToList(),
                Stopwatch.GetElapsedTime(_started));
            OrtTunerTelemetry.Speedup.Record(result.Speedup);
            return result;
        }
    }

    private IReadOnlyList<IReadOnlyList<RawInputTensor>> LoadAccuracyInputs()
    {
        if (_job.InputData is null)
        {
            try
            {
                return AccuracyInputSets.Generated(_job.Inputs, _options.AccuracySamples);
            }
            catch (NotSupportedException e)
            {
                throw new OrtTuningException($"Inputs cannot be generated for this model ({e.Message}); give real inputs (--input-data, InputDataUri).", e);
            }
        }

        try
        {
            return AccuracyInputSets.FromInputData(_job.InputData, _job.Inputs, _options.AccuracySamples, Path.GetFileNameWithoutExtension(_job.ModelPath));
        }
        catch (InputDataException e)
        {
            throw new OrtTuningException($"The input data does not fit the model: {e.Message} Give steps with every input of the model, shaped as it takes them.", e);
        }
    }

    private ReferenceAccuracyEvaluator OpenReference()
    {
        try
        {
            return new ReferenceAccuracyEvaluator(_job.ModelPath, _accuracyInputs, _criteria);
        }
        catch (Exception e) when (e is InvalidModelException or OnnxRuntimeException or NotSupportedException or ArgumentException)
        {
            throw new OrtTuningException(
                $"'{Path.GetFileName(_job.ModelPath)}' does not run with ONNX Runtime's default settings on the tuning inputs ({e.Message}); nothing to tune against. " +
                "Check the inputs' shapes and values (--shape, --input-data).", e);
        }
    }

    /// <summary>The fp32 CPU settings to build on: the best CPU fp32 trial so far (the default unless one beat it clearly).</summary>
    private OrtTrial BestCpuFp32() => ChooseBest(
        _trials.Where(t => t.BatchSize == ChoiceBatch && t.Settings.Precision == "fp32"
                           && OrtExecutionProviderNames.Normalize(t.Settings.ExecutionProvider) == OrtExecutionProviderNames.Cpu)
            .OrderBy(t => t.Candidate == CandidateNames.Default ? 0 : 1).ToList(),
        _options);

    private OrtTrial AtChoiceBatch(string candidate) => _trials.First(t => t.Candidate == candidate && t.BatchSize == ChoiceBatch);

    private async Task RoundAsync(IReadOnlyList<OrtSettings> candidates, CancellationToken ct)
    {
        foreach (var settings in candidates)
        {
            // A cancelled pipeline stops here, between trials, rather than at the end of the search.
            ct.ThrowIfCancellationRequested();
            if (!_tried.Add(settings))
            {
                continue;
            }

            if (_fp32Trials >= Math.Max(1, _options.MaxTrials))
            {
                Note($"fp32 settings stopped at {_fp32Trials} trials (MaxTrials); {settings} and others not tried");
                return;
            }

            if (_fp32Trials > 0 && Stopwatch.GetElapsedTime(_started).TotalSeconds > _options.MaxTuningSeconds)
            {
                Note($"fp32 settings stopped after the {_options.MaxTuningSeconds} s time budget at {_fp32Trials} trials; the best so far stands");
                return;
            }

            _fp32Trials++;
            await TryAsync(new Candidate(CandidateNames.For(settings), settings, _job.ModelPath, Isolated: false, Note: null), ct);
        }
    }

    private async Task TryInt8Async(CancellationToken ct)
    {
        var settings = BestCpuFp32().Settings with { Precision = "int8" };
        string name = CandidateNames.For(settings);
        if (!_options.QuantizationEnabled)
        {
            await SkipAsync(name, settings, "quantization not enabled (inferpipe tune --quantization_enabled, or Pipeline:OrtTuner:QuantizationEnabled)");
            return;
        }

        var cpu = CpuInt8Support.Current;
        if (!cpu.Supported)
        {
            await SkipAsync(name, settings, cpu.Detail);
            return;
        }

        await _progress(Fraction(), $"int8: calibrating on {CalibrationInputs().Count} input sets ({cpu.Detail})");
        string path = Path.Combine(_job.WorkDirectory, "model-int8.onnx");
        SensitivityGuidedResult recipe;
        var clock = Stopwatch.StartNew();
        try
        {
            recipe = Int8Recipe.Run(_job.ModelPath, path, CalibrationInputs(), _criteria, log: line => _logger.LogDebug("int8: {Line}", line));
        }
        catch (ModelTransformException e)
        {
            await SkipAsync(name, settings, e.Message);
            return;
        }
        catch (Exception e) when (e is InvalidModelException or OnnxRuntimeException or ArgumentException or NotSupportedException)
        {
            await AddAsync(Rows(name, settings, null, $"int8 transform failed: {e.Message}", null, null));
            return;
        }

        string recipeNote = $"int8 recipe in {clock.Elapsed.TotalSeconds:0.#} s on {CalibrationInputs().Count} input sets: {recipe.Quantization}";
        if (!recipe.Passed)
        {
            await AddAsync(Rows(name, settings, null, $"rejected: no int8 quantization stays within the accuracy gate ({recipe.Verdict})", recipe.Verdict, recipeNote));
            return;
        }

        await TryAsync(new Candidate(name, settings, path, Isolated: false, recipeNote), ct);
    }

    /// <summary>The int8 recipe calibrates on the first half of the accuracy inputs; the gate then judges it on all of them.</summary>
    private IReadOnlyList<IReadOnlyList<RawInputTensor>> CalibrationInputs() =>
        _accuracyInputs.Take(Math.Max(1, _accuracyInputs.Count / 2)).ToList();

    private async Task TryFp16Async(OrtSettings basis, string note, CancellationToken ct)
    {
        var settings = basis with { Precision = "fp16" };
        string name = CandidateNames.For(settings);
        if (Fp16Model() is not { } path)
        {
            await SkipAsync(name, settings, _fp16Refusal!);
            return;
        }

        await TryAsync(new Candidate(name, settings, path, Isolated: true, note), ct);
    }

    /// <summary>CUDA with the fp16 model, and TensorRT in its own fp16 mode on the fp32 model, where they work and are allowed.</summary>
    private async Task TryGpuFp16Async(ExecutionProviderReport providers, CancellationToken ct)
    {
        var cuda = _trials.FirstOrDefault(t => t.BatchSize == ChoiceBatch && t.Settings.ExecutionProvider == OrtExecutionProviderNames.Cuda && t.Error is null);
        if (providers.Cuda && OrtSearchSpace.Allows(_allowed, OrtExecutionProviderNames.Cuda) && cuda is not null)
        {
            await TryFp16Async(cuda.Settings, "fp16 model on CUDA", ct);
        }

        if (providers.TensorRt && OrtSearchSpace.Allows(_allowed, OrtExecutionProviderNames.TensorRt))
        {
            var settings = OrtSettings.Default with { ExecutionProvider = OrtExecutionProviderNames.TensorRt, Precision = "fp16" };
            if (_options.TensorRtFp16Enabled)
            {
                await TryAsync(new Candidate(CandidateNames.For(settings), settings, _job.ModelPath, Isolated: true, "TensorRT's fp16 mode on the fp32 model"), ct);
            }
            else
            {
                await SkipAsync(CandidateNames.For(settings), settings, "TensorRT fp16 not enabled (inferpipe tune --trt_fp16_enabled, or Pipeline:OrtTuner:TensorRtFp16Enabled)");
            }
        }
    }

    private string? Fp16Model()
    {
        if (_fp16ModelPath is null && _fp16Refusal is null)
        {
            string path = Path.Combine(_job.WorkDirectory, "model-fp16.onnx");
            try
            {
                Fp16Converter.Convert(_job.ModelPath, path);
                _fp16ModelPath = path;
            }
            catch (Exception e) when (e is ModelTransformException or InvalidModelException or NotSupportedException or ArgumentException)
            {
                _fp16Refusal = e.Message;
            }
        }

        return _fp16ModelPath;
    }

    /// <summary>One candidate: its outputs judged by the gate, then (inside it) timed at every batch size.</summary>
    private async Task TryAsync(Candidate candidate, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        using var span = OrtTunerTelemetry.ActivitySource.StartActivity("ort-trial");
        span?.SetTag("ort.candidate", candidate.Name);
        span?.SetTag("ort.settings", candidate.Settings.ToString());
        _modelOf[candidate.Name] = candidate.ModelPath;
        var spec = new TrialSpec(candidate.ModelPath, candidate.Settings, _job.Inputs, _batchSizes, _options.LoadOptions(), _options.Concurrency);
        var rows = candidate.Isolated || _options.IsolateAllTrials
            ? await TryIsolatedAsync(candidate, spec, ct)
            : await TryInProcessAsync(candidate, spec, ct);
        var chosen = rows.First(r => r.BatchSize == ChoiceBatch);
        span?.SetTag("ort.throughput", chosen.ThroughputPerSec);
        if (chosen.Error is not null)
        {
            span?.SetStatus(ActivityStatusCode.Error, chosen.Error);
        }

        await AddAsync(rows, clock.Elapsed);
    }

    private async Task<IReadOnlyList<OrtTrial>> TryInProcessAsync(Candidate candidate, TrialSpec spec, CancellationToken ct)
    {
        var (session, failure) = OrtTrialSession.Open(spec);
        if (session is null)
        {
            // A failed candidate's row shows what was tried; the error says what the session fell back to, if anything.
            return Rows(candidate.Name, candidate.Settings, null, failure!.Error, null, candidate.Note);
        }

        using (session)
        {
            IReadOnlyList<IReadOnlyDictionary<string, float[]>> outputs;
            try
            {
                outputs = session.Outputs(_accuracyInputs);
            }
            catch (Exception e) when (e is OnnxRuntimeException or NotSupportedException or ArgumentException)
            {
                return Rows(candidate.Name, session.Effective, null, $"inference failed: {e.Message}", null, Join(candidate.Note, session.Notes));
            }

            var (verdict, rejection) = Judge(candidate, outputs);
            if (rejection is not null)
            {
                return Rows(candidate.Name, session.Effective, null, rejection, verdict, Join(candidate.Note, session.Notes));
            }

            var timings = await session.MeasureAsync(_job.InputData, ct);
            return Rows(candidate.Name, session.Effective, timings, null, verdict, Join(candidate.Note, session.Notes));
        }
    }

    private async Task<IReadOnlyList<OrtTrial>> TryIsolatedAsync(Candidate candidate, TrialSpec spec, CancellationToken ct)
    {
        var (result, outputs) = await new IsolatedTrial(_options).RunAsync(spec, _accuracyInputsPath, _job.InputDataPath, _job.WorkDirectory, ct);
        string? note = Join(Join(candidate.Note, result.Notes), ["in a child process"]);
        if (result.Error is not null)
        {
            return Rows(candidate.Name, candidate.Settings, null, result.Error, null, note);
        }

        var effective = result.Effective ?? candidate.Settings;

        var (verdict, rejection) = Judge(candidate, outputs);
        return rejection is not null
            ? Rows(candidate.Name, effective, null, rejection, verdict, note)
            : Rows(candidate.Name, effective, result.Timings, null, verdict, note);
    }

    /// <summary>The gate's verdict on a candidate's outputs, and why it is rejected (null when it is inside).</summary>
    private (AccuracyVerdict? Verdict, string? Rejection) Judge(Candidate candidate, IReadOnlyList<IReadOnlyDictionary<string, float[]>> outputs)
    {
        AccuracyVerdict verdict;
        try
        {
            verdict = AccuracyGate.Evaluate(_reference!.ReferenceOutputs, outputs, _reference.Layouts, _criteria, _reference.SequenceMasks);
        }
        catch (ArgumentException e)
        {
            return (null, $"outputs cannot be compared with the reference's: {e.Message}");
        }

        if (!verdict.Passed)
        {
            return (verdict, $"rejected: {verdict}");
        }

        bool fp32 = OrtConfigParameters.NormalizePrecision(candidate.Settings.Precision) == "fp32";
        return fp32 && verdict.MaxAbsDiff > _options.Tolerance
            ? (verdict, $"rejected: outputs differ from the default session by max |diff| {verdict.MaxAbsDiff:G3}, over the fp32 tolerance {_options.Tolerance:G3}")
            : (verdict, null);
    }

    /// <summary>One trial per batch size: measured (<paramref name="timings"/>), or all failed/skipped with <paramref name="error"/>.</summary>
    private IReadOnlyList<OrtTrial> Rows(
        string name, OrtSettings settings, IReadOnlyList<BatchTiming>? timings, string? error, AccuracyVerdict? verdict, string? note)
    {
        var (metric, value) = Summary(verdict);
        return _batchSizes.Select(batch =>
        {
            var timing = timings?.FirstOrDefault(t => t.BatchSize == batch);
            var stats = timing?.Stats;
            string? rowNote = stats is { Stable: false } ? Join(note, ["not stable within the windows allowed"]) : note;
            return new OrtTrial(settings, stats?.ThroughputPerSec ?? 0, stats?.P50Ms ?? 0, stats?.P99Ms ?? 0,
                error ?? timing?.Error ?? (timings is null ? null : stats is null ? $"batch {batch} not measured" : null),
                verdict?.MaxAbsDiff, name, batch, metric, value, verdict?.Passed, rowNote);
        }).ToList();
    }

    /// <summary>The metric(s) used and the value of the output closest to failing (the lowest cosine or agreement, the highest relative diff).</summary>
    private static (string? Metric, double? Value) Summary(AccuracyVerdict? verdict)
    {
        if (verdict is null || verdict.Outputs.Count == 0)
        {
            return (null, null);
        }

        var closest = verdict.Outputs.MinBy(o => o.Metric == AccuracyMetric.RelativeMaxAbsDiff ? o.Threshold - o.Value : o.Value - o.Threshold)!;
        return (verdict.MetricNames, closest.Value);
    }

    private async Task SkipAsync(string name, OrtSettings settings, string reason)
    {
        Note($"{name} skipped: {reason}");
        await AddAsync(Rows(name, settings, null, $"skipped: {reason}", null, null));
    }

    private async Task AddAsync(IReadOnlyList<OrtTrial> rows, TimeSpan? took = null)
    {
        _trials.AddRange(rows);
        var row = rows.First(r => r.BatchSize == ChoiceBatch);
        string outcome = row.Error is null ? "measured" : row.Error.StartsWith("rejected", StringComparison.Ordinal) ? "rejected"
            : row.Error.StartsWith("skipped", StringComparison.Ordinal) ? "skipped" : "failed";
        OrtTunerTelemetry.Trials.Add(1, new KeyValuePair<string, object?>("outcome", outcome));
        if (row.Error is null)
        {
            OrtTunerTelemetry.TrialThroughput.Record(row.ThroughputPerSec);
        }

        string summary = row.Error ?? $"{row.ThroughputPerSec:0.#}/s, p50 {row.LatencyP50Ms:0.###} ms, p99 {row.LatencyP99Ms:0.###} ms, " +
            $"{row.AccuracyMetric} {row.AccuracyValue:0.#####}, max |diff| {row.MaxAbsDiff:G3}";
        int done = _trials.Select(t => t.Candidate).Distinct().Count();
        _logger.LogInformation("ORT trial {Index} {Candidate} ({Settings}, batch {Batch}){Took}: {Summary}",
            done, row.Candidate, row.Settings, row.BatchSize, took is { } t ? $" in {t.TotalSeconds:0.#} s" : "", summary);
        await _progress(Fraction(), $"{row.Candidate} ({row.Settings}): {summary}");
    }

    private double Fraction() => Math.Min(0.95, 0.95 * _trials.Select(t => t.Candidate).Distinct().Count() / Math.Max(1, _planned));

    private void Note(string note)
    {
        if (!_notes.Contains(note))
        {
            _notes.Add(note);
            _logger.LogInformation("ORT tuning: {Note}", note);
        }
    }

    private static string? Join(string? note, IReadOnlyList<string> more)
    {
        var parts = new[] { note }.Concat(more).Where(p => !string.IsNullOrWhiteSpace(p)).ToList();
        return parts.Count == 0 ? null : string.Join("; ", parts);
    }

    /// <summary>A candidate: its name, the settings, the model file they run, and whether it must run in a child process.</summary>
    private sealed record Candidate(string Name, OrtSettings Settings, string ModelPath, bool Isolated, string? Note);
}
