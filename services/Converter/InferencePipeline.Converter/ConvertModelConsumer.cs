using System.Diagnostics;
using InferencePipeline.Artifacts;
using InferencePipeline.Contracts;
using InferencePipeline.ModelRepository;
using InferencePipeline.Onnx;
using MassTransit;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace InferencePipeline.Converter;

/// <summary>
/// Handles <see cref="ConvertModel"/>: checks that ONNX Runtime can load the model and that it has the
/// interface the request declares, copies it to <c>converter/model.onnx</c>, writes the baseline Triton
/// repository entry (<c>converter/model_repository/&lt;model&gt;/config.pbtxt</c> + <c>1/model.onnx</c>) and
/// publishes <see cref="ModelConverted"/>. Bad input ends in <see cref="StageFailed"/> (no retry can fix it);
/// I/O trouble throws so the bus retries.
/// </summary>
public sealed class ConvertModelConsumer(ArtifactStore store, IOptions<ConverterOptions> options, ILogger<ConvertModelConsumer> logger)
    : IConsumer<ConvertModel>
{
    public async Task Consume(ConsumeContext<ConvertModel> context)
    {
        var request = context.Message;
        var ct = context.CancellationToken;
        var started = Stopwatch.GetTimestamp();
        using var activity = ConverterTelemetry.ActivitySource.StartActivity("convert-model");
        activity?.SetTag("pipeline.id", request.PipelineId);
        activity?.SetTag("model.name", request.ModelName);
        activity?.SetTag("model.uri", request.ModelUri);

        if (ModelNames.Problem(request.ModelName) is { } nameProblem)
        {
            await FailAsync(context, nameProblem);
            return;
        }

        var format = ModelFormatDecision.Resolve(request.Format, request.ModelUri);
        activity?.SetTag("model.format", format?.ToString());
        switch (format)
        {
            case null:
                await FailAsync(context,
                    $"Cannot tell the format of '{request.ModelUri}' from its extension; name the file *.onnx or set Format to Onnx.");
                return;
            case ModelFormat.TorchScript or ModelFormat.PyTorch:
                await FailAsync(context,
                    $"'{request.ModelUri}' is a {format} model: converting PyTorch models is not supported yet: convert to ONNX first " +
                    "(torch.onnx.export with a dynamic batch axis) and send the .onnx file.");
                return;
        }

        string sourcePath;
        try
        {
            sourcePath = ModelSource.ResolveLocalPath(request.ModelUri, store);
        }
        catch (Exception e) when (e is FileNotFoundException or NotSupportedException or ArtifactUriException or ArgumentException)
        {
            await FailAsync(context, $"Cannot read the model: {e.Message} Give a local path, a file:// URI or an artifacts/ URI of an existing .onnx file.");
            return;
        }

        OnnxModelInfo model;
        try
        {
            model = OnnxModelInspector.Inspect(sourcePath);
        }
        catch (InvalidModelException e)
        {
            await FailAsync(context, $"{e.Message.TrimEnd('.', ' ')}. Re-export the model to ONNX and check that the file was copied whole.");
            return;
        }

        var problems = SignatureCheck.Problems("input", request.Inputs, model.Inputs)
            .Concat(SignatureCheck.Problems("output", request.Outputs, model.Outputs))
            .ToList();
        if (problems.Count > 0)
        {
            await FailAsync(context,
                $"Model '{request.ModelUri}' does not have the declared interface: {string.Join("; ", problems)}. " +
                "Fix Inputs/Outputs in the request, or leave them empty to take the model's own.");
            return;
        }

        await Progress(context, 0.3, $"ONNX Runtime loads the model: {model.Inputs.Count} input(s), {model.Outputs.Count} output(s), opset {model.OpsetVersion}");

        var maxBatchSize = MaxBatchSizeFor(model, options.Value.DynamicMaxBatchSize);
        Inference.ModelConfig config;
        try
        {
            config = DefaultModelConfig.Create(request.ModelName, model.Inputs, model.Outputs, maxBatchSize);
        }
        catch (ArgumentException e)
        {
            await FailAsync(context, $"Model '{request.ModelUri}' cannot be served by Triton's ONNX backend: {e.Message}.");
            return;
        }

        var onnxUri = ConverterArtifacts.Onnx(request.PipelineId);
        await store.CopyInAsync(sourcePath, onnxUri, ct);
        await Progress(context, 0.6, $"copied the model to {onnxUri}");

        await ModelRepositoryLayout.CreateEntryAsync(
            store.PathFor(ConverterArtifacts.Repository(request.PipelineId)), request.ModelName, store.PathFor(onnxUri), config, 1, ct);
        var configUri = ConverterArtifacts.DefaultConfig(request.PipelineId, request.ModelName);

        activity?.SetTag("model.max_batch_size", maxBatchSize);
        ConverterTelemetry.Conversions.Add(1, new KeyValuePair<string, object?>("outcome", "converted"));
        ConverterTelemetry.Duration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds);
        logger.LogInformation("Pipeline {PipelineId}: converted {Model} ({Uri}), max_batch_size {MaxBatchSize}, config {ConfigUri}",
            request.PipelineId, request.ModelName, request.ModelUri, maxBatchSize, configUri);

        await Progress(context, 1.0, $"wrote the default repository entry {configUri}");
        await context.Publish(new ModelConverted(
            request.PipelineId, request.ModelName, onnxUri, configUri, model.Inputs, model.Outputs, maxBatchSize), ct);
    }

    /// <summary>
    /// Triton treats the first dimension as the batch only when max_batch_size &gt; 0, so batching is offered
    /// only if every input and output has a dynamic first dimension.
    /// </summary>
    public static int MaxBatchSizeFor(OnnxModelInfo model, int dynamicMaxBatchSize) =>
        model.Inputs.Concat(model.Outputs).All(t => t.Shape.Count > 0 && t.Shape[0] < 0) ? dynamicMaxBatchSize : 0;

    private async Task FailAsync(ConsumeContext<ConvertModel> context, string reason)
    {
        logger.LogWarning("Pipeline {PipelineId}: conversion failed: {Reason}", context.Message.PipelineId, reason);
        Activity.Current?.SetStatus(ActivityStatusCode.Error, reason);
        ConverterTelemetry.Conversions.Add(1, new KeyValuePair<string, object?>("outcome", "failed"));
        await context.Publish(new StageFailed(context.Message.PipelineId, PipelineStage.Converting, reason), context.CancellationToken);
    }

    private static Task Progress(ConsumeContext<ConvertModel> context, double fraction, string message) =>
        context.Publish(new StageProgress(context.Message.PipelineId, PipelineStage.Converting, fraction, message), context.CancellationToken);
}
