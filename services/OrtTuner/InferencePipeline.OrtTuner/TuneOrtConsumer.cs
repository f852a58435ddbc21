using System.Diagnostics;
using InferencePipeline.Artifacts;
using InferencePipeline.Contracts;
using InferencePipeline.ModelRepository;
using InferencePipeline.Onnx;
using InferencePipeline.Stages;
using MassTransit;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace InferencePipeline.OrtTuner;

/// <summary>
/// Handles <see cref="TuneOrt"/>: the OLive step of the seed, in process. Tries the settings of
/// <see cref="OrtSearchSpace"/> on the converted model (each checked against the default session's outputs,
/// then measured), keeps the fastest, and writes the tuned repository entry
/// (<c>ort-tuner/model_repository/&lt;model&gt;/config.pbtxt</c> = the default config + the winning ORT
/// parameters, and <c>1/model.onnx</c>) plus <c>trials.json</c>; publishes <see cref="OrtTuned"/>.
/// Bad input (missing model, unreadable config, model that does not run) ends in <see cref="StageFailed"/>.
/// </summary>
public sealed class TuneOrtConsumer(ArtifactStore store, IOptions<OrtTunerOptions> options, ILogger<TuneOrtConsumer> logger)
    : IConsumer<TuneOrt>
{
    public Task Consume(ConsumeContext<TuneOrt> context) =>
        StageExecution.RunAsync(context, OrtTunerTelemetry.Stage, context.Message.PipelineId, context.Message.ModelName, logger, TuneAsync);

    /// <summary>
    /// The fastest accepted trial, but the default unless another beats it by more than the measurement noise
    /// (<see cref="OrtTunerOptions.StabilityPercentage"/> / 2): a config should not change for a gain the
    /// stability rule cannot tell from chance.
    /// </summary>
    public static OrtTrial ChooseBest(IReadOnlyList<OrtTrial> trials, OrtTunerOptions settings)
    {
        var baseline = trials[0];
        var fastest = trials.Where(t => t.Error is null).MaxBy(t => t.ThroughputPerSec) ?? baseline;
        var margin = 1 + settings.StabilityPercentage / 200;
        return fastest.ThroughputPerSec > baseline.ThroughputPerSec * margin ? fastest : baseline;
    }

    private async Task TuneAsync(StageRun<TuneOrt> run)
    {
        var request = run.Command;
        var ct = run.CancellationToken;
        var settings = options.Value;
        StageFailedException.ThrowIfProblem(ModelNames.Problem(request.ModelName));
        var (modelPath, model) = Inspect(request);
        var inputs = InputsToTime(request, model);
        var defaultConfig = await ReadDefaultConfigAsync(request, ct);

        var candidates = OrtSearchSpace.Candidates(ExecutionProviders.Detect(), Environment.ProcessorCount)
            .Take(Math.Max(1, settings.MaxTrials))
            .ToList();
        var trials = await RunTrialsAsync(run, modelPath, inputs, candidates, settings);
        var baseline = trials[0];
        if (baseline.Error is not null)
        {
            throw new StageFailedException($"'{request.OnnxUri}' does not run with ONNX Runtime's default settings ({baseline.Error}); nothing to tune against.");
        }

        var best = ChooseBest(trials, settings);
        await WriteTunedEntryAsync(request, modelPath, defaultConfig, best.Settings, ct);
        var report = new TuningReport(request.ModelName, baseline.Settings, best.Settings, baseline.ThroughputPerSec, best.ThroughputPerSec,
            settings.Tolerance, settings.Concurrency, settings.BatchSize, trials);
        await store.WriteTextAsync(OrtTunerArtifacts.Trials(request.PipelineId), report.ToJson(), ct);

        var speedup = best.ThroughputPerSec / baseline.ThroughputPerSec;
        OrtTunerTelemetry.Speedup.Record(speedup);
        run.Activity?.SetTag("ort_tuner.best", best.Settings.ToString());
        run.Activity?.SetTag("ort_tuner.speedup", speedup);
        logger.LogInformation(
            "Pipeline {PipelineId}: ORT tuning of {Model} chose {Best}: {Tuned:0.#}/s vs default {Default:0.#}/s ({Speedup:0.00}x) over {Trials} trials",
            request.PipelineId, request.ModelName, best.Settings, best.ThroughputPerSec, baseline.ThroughputPerSec, speedup, trials.Count);

        await run.ProgressAsync(1.0, $"chose {best.Settings}: {best.ThroughputPerSec:0.#}/s vs default {baseline.ThroughputPerSec:0.#}/s ({speedup:0.00}x)");
        await run.PublishAsync(new OrtTuned(
            request.PipelineId,
            request.ModelName,
            OrtTunerArtifacts.Model(request.PipelineId, request.ModelName),
            OrtTunerArtifacts.Config(request.PipelineId, request.ModelName),
            best.Settings,
            baseline.ThroughputPerSec,
            best.ThroughputPerSec,
            trials));
    }

    private (string ModelPath, OnnxModelInfo Model) Inspect(TuneOrt request)
    {
        try
        {
            var modelPath = ModelSource.ResolveLocalPath(request.OnnxUri, store);
            return (modelPath, OnnxModelInspector.Inspect(modelPath));
        }
        catch (Exception e) when (e is FileNotFoundException or NotSupportedException or ArtifactUriException or ArgumentException or InvalidModelException)
        {
            throw new StageFailedException($"Cannot tune '{request.OnnxUri}': {e.Message.TrimEnd('.')}. Send the OnnxUri the converter published in ModelConverted.", e);
        }
    }

    /// <summary>The request's inputs (or the model's), each fixed but for the batch: requests are timed at one concrete shape.</summary>
    private static IReadOnlyList<TensorSpec> InputsToTime(TuneOrt request, OnnxModelInfo model)
    {
        var inputs = request.Inputs.Count > 0 ? request.Inputs : model.Inputs;
        var unknown = inputs.Where(i => model.Inputs.All(m => m.Name != i.Name)).Select(i => i.Name).ToList();
        if (unknown.Count > 0)
        {
            throw new StageFailedException(
                $"Input(s) {string.Join(", ", unknown)} are not in '{request.OnnxUri}' (its inputs: {string.Join(", ", model.Inputs.Select(i => i.Name))}); send the inputs ModelConverted reported.");
        }

        var open = inputs.Where(i => i.Shape.Skip(1).Any(d => d < 0)).Select(i => i.Name).ToList();
        if (open.Count > 0)
        {
            throw new StageFailedException(
                $"Input(s) {string.Join(", ", open)} have dynamic dimensions besides the batch; declare the sizes to tune at in the request's Inputs (e.g. [-1, 256]).");
        }

        return inputs;
    }

    private async Task<ModelConfigDocument> ReadDefaultConfigAsync(TuneOrt request, CancellationToken ct)
    {
        try
        {
            var path = store.PathFor(request.DefaultConfigUri);
            if (!File.Exists(path))
            {
                throw new StageFailedException(
                    $"The default config '{request.DefaultConfigUri}' does not exist (looked at {path}); send the DefaultConfigUri the converter published.");
            }

            return await ModelConfigFile.ReadDocumentAsync(path, ct);
        }
        catch (Exception e) when (e is ArtifactUriException or ModelConfigFormatException)
        {
            throw new StageFailedException($"Cannot use the default config '{request.DefaultConfigUri}': {e.Message.TrimEnd('.')}. Run the converter again to rewrite it.", e);
        }
    }

    /// <summary>The default config with the winning ORT parameters, beside the model, as the tuned repository entry.</summary>
    private async Task WriteTunedEntryAsync(TuneOrt request, string modelPath, ModelConfigDocument defaultConfig, OrtSettings best, CancellationToken ct)
    {
        var config = defaultConfig.Config.Clone();
        config.Name = request.ModelName;
        OrtConfigParameters.Apply(config, best);
        // The user's fields our ModelConfig does not know (Triton's sequence_batching, ...) go on to the tuned config.
        await ModelRepositoryLayout.CreateEntryAsync(
            store.PathFor(OrtTunerArtifacts.Repository(request.PipelineId)), request.ModelName, modelPath, defaultConfig.WithConfig(config), 1, ct);
    }

    private async Task<List<OrtTrial>> RunTrialsAsync(
        StageRun<TuneOrt> run, string modelPath, IReadOnlyList<TensorSpec> inputs, IReadOnlyList<OrtSettings> candidates, OrtTunerOptions settings)
    {
        var runner = new OrtTrialRunner(modelPath, inputs, settings);
        var trials = new List<OrtTrial>(candidates.Count);
        var started = Stopwatch.GetTimestamp();
        foreach (var candidate in candidates)
        {
            if (trials.Count > 0 && Stopwatch.GetElapsedTime(started).TotalSeconds > settings.MaxTuningSeconds)
            {
                logger.LogWarning("Pipeline {PipelineId}: tuning time budget of {Seconds} s spent after {Trials} of {Candidates} trials; keeping the best so far",
                    run.PipelineId, settings.MaxTuningSeconds, trials.Count, candidates.Count);
                break;
            }

            var trial = await RunTrialAsync(runner, candidate, settings, run.CancellationToken);
            trials.Add(trial);
            var summary = trial.Error ?? $"{trial.ThroughputPerSec:0.#}/s, p50 {trial.LatencyP50Ms:0.###} ms, p99 {trial.LatencyP99Ms:0.###} ms, max |diff| {trial.MaxAbsDiff:G3}";
            logger.LogInformation("Pipeline {PipelineId}: trial {Index}/{Count} {Settings}: {Summary}",
                run.PipelineId, trials.Count, candidates.Count, candidate, summary);
            await run.ProgressAsync(0.95 * trials.Count / candidates.Count, $"trial {trials.Count}/{candidates.Count} {candidate}: {summary}");
        }

        return trials;
    }

    /// <summary>One trial in its own span, counted by outcome.</summary>
    private static async Task<OrtTrial> RunTrialAsync(OrtTrialRunner runner, OrtSettings candidate, OrtTunerOptions settings, CancellationToken ct)
    {
        OrtTrial trial;
        using (var span = OrtTunerTelemetry.ActivitySource.StartActivity("ort-trial"))
        {
            span?.SetTag("ort.settings", candidate.ToString());
            trial = await runner.RunAsync(candidate, ct);
            span?.SetTag("ort.throughput", trial.ThroughputPerSec);
            if (trial.Error is not null)
            {
                span?.SetStatus(ActivityStatusCode.Error, trial.Error);
            }
        }

        var outcome = trial.Error is null ? "measured" : trial.MaxAbsDiff > settings.Tolerance ? "rejected" : "failed";
        OrtTunerTelemetry.Trials.Add(1, new KeyValuePair<string, object?>("outcome", outcome));
        if (trial.Error is null)
        {
            OrtTunerTelemetry.TrialThroughput.Record(trial.ThroughputPerSec);
        }

        return trial;
    }
}
