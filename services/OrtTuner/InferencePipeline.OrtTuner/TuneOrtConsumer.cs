using InferencePipeline.Artifacts;
using InferencePipeline.Contracts;
using InferencePipeline.LoadGen;
using InferencePipeline.ModelRepository;
using InferencePipeline.Onnx;
using InferencePipeline.Stages;
using MassTransit;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace InferencePipeline.OrtTuner;

/// <summary>
/// Handles <see cref="TuneOrt"/>: the OLive step of the seed, in process. Runs <see cref="OrtTuning"/> on the converted
/// model (with the request's real inputs when it names some), and writes under <c>ort-tuner/</c> the tuned repository entry
/// (<c>model_repository/&lt;model&gt;/config.pbtxt</c> = the default config + the chosen ORT settings, and
/// <c>1/model.onnx</c> = the model they run, int8/fp16 when a precision candidate won), <c>ort-tuning.csv</c> and
/// <c>trials.json</c>; publishes <see cref="OrtTuned"/>. Bad input (missing model, unreadable config or input data,
/// inputs without sizes, a model that does not run) ends in <see cref="StageFailed"/>.
/// </summary>
public sealed class TuneOrtConsumer(ArtifactStore store, ModelSourcePolicy sources, IOptions<OrtTunerOptions> options, ILogger<TuneOrtConsumer> logger)
    : IConsumer<TuneOrt>
{
    public Task Consume(ConsumeContext<TuneOrt> context) =>
        StageExecution.RunAsync(context, OrtTunerTelemetry.Stage, context.Message.PipelineId, context.Message.ModelName, logger, TuneAsync);

    private async Task TuneAsync(StageRun<TuneOrt> run)
    {
        var request = run.Command;
        var ct = run.CancellationToken;
        var settings = options.Value;
        StageFailedException.ThrowIfProblem(ModelNames.Problem(request.ModelName));
        var (modelPath, model) = Inspect(request);
        var inputData = PipelineInputData.Load(request.InputDataUri, sources,
            "Give perf_analyzer's --input-data JSON ({\"data\": [{\"INPUT\": [...]}, ...]}) as an artifacts/ URI or a local path, or leave InputDataUri out to tune on generated inputs.");
        var defaultConfig = await ReadDefaultConfigAsync(request, ct);
        string work = store.PathFor(OrtTunerArtifacts.Work(request.PipelineId));
        OrtTuningResult result;
        try
        {
            var inputs = TuningInputs.Resolve(request.Inputs, model.Inputs, shapes: null, inputData?.Data);
            var job = new OrtTuningJob(modelPath, inputs, inputData?.Data, inputData?.Path, work);
            result = await new OrtTuning(settings, job, logger, run.ProgressAsync).RunAsync(ct);
            await TunedEntry.WriteAsync(store.PathFor(OrtTunerArtifacts.Repository(request.PipelineId)), request.ModelName,
                result.ChosenModelPath, defaultConfig, result.Chosen.Settings, ct);
        }
        catch (OrtTuningException e)
        {
            throw new StageFailedException($"Cannot tune '{request.OnnxUri}': {e.Message}", e);
        }
        finally
        {
            RemoveWork(work);
        }

        await store.WriteTextAsync(OrtTunerArtifacts.TuningCsv(request.PipelineId), OrtTuningCsv.Format(result), ct);
        await store.WriteTextAsync(OrtTunerArtifacts.Trials(request.PipelineId), TuningReport.From(request.ModelName, result, settings).ToJson(), ct);

        var best = result.Chosen;
        run.Activity?.SetTag("ort_tuner.best", best.Settings.ToString());
        run.Activity?.SetTag("ort_tuner.speedup", result.Speedup);
        logger.LogInformation(
            "Pipeline {PipelineId}: ORT tuning of {Model} chose {Candidate} ({Best}): {Tuned:0.#}/s vs default {Default:0.#}/s ({Speedup:0.00}x) at batch {Batch} in {Seconds:0} s",
            request.PipelineId, request.ModelName, result.ChosenCandidate, best.Settings, best.ThroughputPerSec, result.Baseline.ThroughputPerSec,
            result.Speedup, result.ChoiceBatchSize, result.Elapsed.TotalSeconds);

        await run.ProgressAsync(1.0,
            $"chose {result.ChosenCandidate} ({best.Settings}): {best.ThroughputPerSec:0.#}/s vs default {result.Baseline.ThroughputPerSec:0.#}/s ({result.Speedup:0.00}x)");
        await run.PublishAsync(new OrtTuned(
            request.PipelineId,
            request.ModelName,
            OrtTunerArtifacts.Model(request.PipelineId, request.ModelName),
            OrtTunerArtifacts.Config(request.PipelineId, request.ModelName),
            best.Settings,
            result.Baseline.ThroughputPerSec,
            best.ThroughputPerSec,
            result.Trials,
            result.ChosenCandidate,
            result.ChoiceBatchSize,
            OrtTunerArtifacts.TuningCsv(request.PipelineId)));
    }

    /// <summary>The transformed candidates go; so does the stage's folder when the tuning failed before writing anything else.</summary>
    private static void RemoveWork(string work)
    {
        if (Directory.Exists(work))
        {
            Directory.Delete(work, recursive: true);
        }

        var stageFolder = Path.GetDirectoryName(work)!;
        if (Directory.Exists(stageFolder) && !Directory.EnumerateFileSystemEntries(stageFolder).Any())
        {
            Directory.Delete(stageFolder);
        }
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
}
