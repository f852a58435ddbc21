using System.Diagnostics;
using Inference;
using InferencePipeline.Artifacts;
using InferencePipeline.Contracts;
using InferencePipeline.ModelRepository;
using InferencePipeline.Onnx;
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
    public async Task Consume(ConsumeContext<TuneOrt> context)
    {
        var request = context.Message;
        var ct = context.CancellationToken;
        var settings = options.Value;
        using var activity = OrtTunerTelemetry.ActivitySource.StartActivity("tune-ort");
        activity?.SetTag("pipeline.id", request.PipelineId);
        activity?.SetTag("model.name", request.ModelName);

        if (ModelNames.Problem(request.ModelName) is { } nameProblem)
        {
            await FailAsync(context, nameProblem);
            return;
        }

        string modelPath;
        OnnxModelInfo model;
        try
        {
            modelPath = ModelSource.ResolveLocalPath(request.OnnxUri, store);
            model = OnnxModelInspector.Inspect(modelPath);
        }
        catch (Exception e) when (e is FileNotFoundException or NotSupportedException or ArtifactUriException or ArgumentException or InvalidModelException)
        {
            await FailAsync(context, $"Cannot tune '{request.OnnxUri}': {e.Message.TrimEnd('.')}. Send the OnnxUri the converter published in ModelConverted.");
            return;
        }

        var inputs = request.Inputs.Count > 0 ? request.Inputs : model.Inputs;
        var unknown = inputs.Where(i => model.Inputs.All(m => m.Name != i.Name)).Select(i => i.Name).ToList();
        if (unknown.Count > 0)
        {
            await FailAsync(context,
                $"Input(s) {string.Join(", ", unknown)} are not in '{request.OnnxUri}' (its inputs: {string.Join(", ", model.Inputs.Select(i => i.Name))}); send the inputs ModelConverted reported.");
            return;
        }

        // Requests are timed at one concrete shape; only the batch dimension can be left open.
        var open = inputs.Where(i => i.Shape.Skip(1).Any(d => d < 0)).Select(i => i.Name).ToList();
        if (open.Count > 0)
        {
            await FailAsync(context,
                $"Input(s) {string.Join(", ", open)} have dynamic dimensions besides the batch; declare the sizes to tune at in the request's Inputs (e.g. [-1, 256]).");
            return;
        }

        var defaultConfig = await ReadDefaultConfigAsync(context, request);
        if (defaultConfig is null)
        {
            return;
        }

        var candidates = OrtSearchSpace.Candidates(ExecutionProviders.Detect(), Environment.ProcessorCount)
            .Take(Math.Max(1, settings.MaxTrials))
            .ToList();
        var trials = await RunTrialsAsync(context, modelPath, inputs, candidates, settings, ct);

        var baseline = trials[0];
        if (baseline.Error is not null)
        {
            await FailAsync(context, $"'{request.OnnxUri}' does not run with ONNX Runtime's default settings ({baseline.Error}); nothing to tune against.");
            return;
        }

        var best = ChooseBest(trials, settings);
        var config = defaultConfig.Config.Clone();
        config.Name = request.ModelName;
        OrtConfigParameters.Apply(config, best.Settings);
        // The user's fields our ModelConfig does not know (Triton's sequence_batching, ...) go on to the tuned config.
        await ModelRepositoryLayout.CreateEntryAsync(
            store.PathFor(OrtTunerArtifacts.Repository(request.PipelineId)), request.ModelName, modelPath, defaultConfig.WithConfig(config), 1, ct);

        var report = new TuningReport(request.ModelName, baseline.Settings, best.Settings, baseline.ThroughputPerSec, best.ThroughputPerSec,
            settings.Tolerance, settings.Concurrency, settings.BatchSize, trials);
        var trialsUri = OrtTunerArtifacts.Trials(request.PipelineId);
        await store.WriteTextAsync(trialsUri, report.ToJson(), ct);

        var speedup = best.ThroughputPerSec / baseline.ThroughputPerSec;
        OrtTunerTelemetry.Speedup.Record(speedup);
        activity?.SetTag("ort_tuner.best", best.Settings.ToString());
        activity?.SetTag("ort_tuner.speedup", speedup);
        logger.LogInformation(
            "Pipeline {PipelineId}: ORT tuning of {Model} chose {Best}: {Tuned:0.#}/s vs default {Default:0.#}/s ({Speedup:0.00}x) over {Trials} trials",
            request.PipelineId, request.ModelName, best.Settings, best.ThroughputPerSec, baseline.ThroughputPerSec, speedup, trials.Count);

        await context.Publish(new StageProgress(request.PipelineId, PipelineStage.Tuning, 1.0,
            $"chose {best.Settings}: {best.ThroughputPerSec:0.#}/s vs default {baseline.ThroughputPerSec:0.#}/s ({speedup:0.00}x)"), ct);
        await context.Publish(new OrtTuned(
            request.PipelineId,
            request.ModelName,
            OrtTunerArtifacts.Model(request.PipelineId, request.ModelName),
            OrtTunerArtifacts.Config(request.PipelineId, request.ModelName),
            best.Settings,
            baseline.ThroughputPerSec,
            best.ThroughputPerSec,
            trials), ct);
    }

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

    private async Task<List<OrtTrial>> RunTrialsAsync(
        ConsumeContext<TuneOrt> context, string modelPath, IReadOnlyList<TensorSpec> inputs, IReadOnlyList<OrtSettings> candidates,
        OrtTunerOptions settings, CancellationToken ct)
    {
        var runner = new OrtTrialRunner(modelPath, inputs, settings);
        var trials = new List<OrtTrial>(candidates.Count);
        var started = Stopwatch.GetTimestamp();
        foreach (var candidate in candidates)
        {
            if (trials.Count > 0 && Stopwatch.GetElapsedTime(started).TotalSeconds > settings.MaxTuningSeconds)
            {
                logger.LogWarning("Pipeline {PipelineId}: tuning time budget of {Seconds} s spent after {Trials} of {Candidates} trials; keeping the best so far",
                    context.Message.PipelineId, settings.MaxTuningSeconds, trials.Count, candidates.Count);
                break;
            }

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

            trials.Add(trial);
            var outcome = trial.Error is null ? "measured" : trial.MaxAbsDiff > settings.Tolerance ? "rejected" : "failed";
            OrtTunerTelemetry.Trials.Add(1, new KeyValuePair<string, object?>("outcome", outcome));
            if (trial.Error is null)
            {
                OrtTunerTelemetry.TrialThroughput.Record(trial.ThroughputPerSec);
            }

            var summary = trial.Error ?? $"{trial.ThroughputPerSec:0.#}/s, p50 {trial.LatencyP50Ms:0.###} ms, p99 {trial.LatencyP99Ms:0.###} ms, max |diff| {trial.MaxAbsDiff:G3}";
            logger.LogInformation("Pipeline {PipelineId}: trial {Index}/{Count} {Settings}: {Summary}",
                context.Message.PipelineId, trials.Count, candidates.Count, candidate, summary);
            await context.Publish(new StageProgress(context.Message.PipelineId, PipelineStage.Tuning,
                0.95 * trials.Count / candidates.Count, $"trial {trials.Count}/{candidates.Count} {candidate}: {summary}"), ct);
        }

        return trials;
    }

    private async Task<ModelConfigDocument?> ReadDefaultConfigAsync(ConsumeContext<TuneOrt> context, TuneOrt request)
    {
        try
        {
            var path = store.PathFor(request.DefaultConfigUri);
            if (!File.Exists(path))
            {
                await FailAsync(context, $"The default config '{request.DefaultConfigUri}' does not exist (looked at {path}); send the DefaultConfigUri the converter published.");
                return null;
            }

            return await ModelConfigFile.ReadDocumentAsync(path, context.CancellationToken);
        }
        catch (Exception e) when (e is ArtifactUriException or ModelConfigFormatException)
        {
            await FailAsync(context, $"Cannot use the default config '{request.DefaultConfigUri}': {e.Message.TrimEnd('.')}. Run the converter again to rewrite it.");
            return null;
        }
    }

    private async Task FailAsync(ConsumeContext<TuneOrt> context, string reason)
    {
        logger.LogWarning("Pipeline {PipelineId}: ORT tuning failed: {Reason}", context.Message.PipelineId, reason);
        Activity.Current?.SetStatus(ActivityStatusCode.Error, reason);
        await context.Publish(new StageFailed(context.Message.PipelineId, PipelineStage.Tuning, reason), context.CancellationToken);
    }
}
