using InferencePipeline.Artifacts;
using InferencePipeline.Contracts;
using InferencePipeline.ModelRepository;
using InferencePipeline.Onnx;
using InferencePipeline.Stages;
using MassTransit;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace InferencePipeline.Converter;

/// <summary>
/// Handles <see cref="ConvertModel"/>. It accepts ONNX models only: it checks that ONNX Runtime can load the
/// model and that it has the interface the request declares, copies it to <c>converter/model.onnx</c>, writes the
/// baseline Triton repository entry (<c>converter/model_repository/&lt;model&gt;/config.pbtxt</c> +
/// <c>1/model.onnx</c>) and publishes <see cref="ModelConverted"/>. PyTorch and TorchScript files end in
/// <see cref="StageFailed"/> asking for an ONNX export, as does other bad input (no retry can fix it);
/// I/O trouble throws so the bus retries.
/// </summary>
public sealed class ConvertModelConsumer(ArtifactStore store, IOptions<ConverterOptions> options, ILogger<ConvertModelConsumer> logger)
    : IConsumer<ConvertModel>
{
    public Task Consume(ConsumeContext<ConvertModel> context) =>
        StageExecution.RunAsync(context, ConverterTelemetry.Stage, context.Message.PipelineId, context.Message.ModelName, logger, AcceptOnnxAsync);

    /// <summary>
    /// Triton treats the first dimension as the batch only when max_batch_size &gt; 0, so batching is offered
    /// only if every input and output has a dynamic first dimension.
    /// </summary>
    public static int MaxBatchSizeFor(OnnxModelInfo model, int dynamicMaxBatchSize) =>
        model.Inputs.Concat(model.Outputs).All(t => t.Shape.Count > 0 && t.Shape[0] < 0) ? dynamicMaxBatchSize : 0;

    private async Task AcceptOnnxAsync(StageRun<ConvertModel> run)
    {
        var request = run.Command;
        var ct = run.CancellationToken;
        run.Activity?.SetTag("model.uri", request.ModelUri);
        StageFailedException.ThrowIfProblem(ModelNames.Problem(request.ModelName));
        RequireOnnx(request, run);

        var sourcePath = ResolveSource(request);
        var model = Inspect(sourcePath);
        RequireDeclaredInterface(request, model);
        await run.ProgressAsync(0.3, $"ONNX Runtime loads the model: {model.Inputs.Count} input(s), {model.Outputs.Count} output(s), opset {model.OpsetVersion}");

        var maxBatchSize = MaxBatchSizeFor(model, options.Value.DynamicMaxBatchSize);
        var config = DefaultConfig(request, model, maxBatchSize, ConverterOptions.BaselineOnGpu(options.Value.BaselineInstanceKind, () => ExecutionProviders.Detect().Cuda));
        var onnxUri = ConverterArtifacts.Onnx(request.PipelineId);
        await store.CopyInAsync(sourcePath, onnxUri, ct);
        await run.ProgressAsync(0.6, $"copied the model to {onnxUri}");

        await ModelRepositoryLayout.CreateEntryAsync(
            store.PathFor(ConverterArtifacts.Repository(request.PipelineId)), request.ModelName, store.PathFor(onnxUri), config, 1, ct);
        var configUri = ConverterArtifacts.DefaultConfig(request.PipelineId, request.ModelName);
        run.Activity?.SetTag("model.max_batch_size", maxBatchSize);
        logger.LogInformation("Pipeline {PipelineId}: accepted ONNX model {Model} ({Uri}), max_batch_size {MaxBatchSize}, config {ConfigUri}",
            request.PipelineId, request.ModelName, request.ModelUri, maxBatchSize, configUri);

        await run.ProgressAsync(1.0, $"wrote the default repository entry {configUri}");
        await run.PublishAsync(new ModelConverted(
            request.PipelineId, request.ModelName, onnxUri, configUri, model.Inputs, model.Outputs, maxBatchSize));
    }

    private static void RequireOnnx(ConvertModel request, StageRun<ConvertModel> run)
    {
        var format = ModelFormatDecision.Resolve(request.Format, request.ModelUri);
        run.Activity?.SetTag("model.format", format?.ToString());
        switch (format)
        {
            case null:
                throw new StageFailedException(
                    $"Cannot tell the format of '{request.ModelUri}' from its extension; name the file *.onnx or set Format to Onnx.");
            case ModelFormat.TorchScript or ModelFormat.PyTorch:
                throw new StageFailedException(
                    $"'{request.ModelUri}' is a {format} model: converting PyTorch models is not supported yet: convert to ONNX first " +
                    "(torch.onnx.export with a dynamic batch axis) and send the .onnx file.");
        }
    }

    private string ResolveSource(ConvertModel request)
    {
        try
        {
            return ModelSource.ResolveLocalPath(request.ModelUri, store);
        }
        catch (Exception e) when (e is FileNotFoundException or NotSupportedException or ArtifactUriException or ArgumentException)
        {
            throw new StageFailedException(
                $"Cannot read the model: {e.Message} Give a local path, a file:// URI or an artifacts/ URI of an existing .onnx file.", e);
        }
    }

    private static OnnxModelInfo Inspect(string sourcePath)
    {
        try
        {
            return OnnxModelInspector.Inspect(sourcePath);
        }
        catch (InvalidModelException e)
        {
            throw new StageFailedException($"{e.Message.TrimEnd('.', ' ')}. Re-export the model to ONNX and check that the file was copied whole.", e);
        }
    }

    private static void RequireDeclaredInterface(ConvertModel request, OnnxModelInfo model)
    {
        var problems = SignatureCheck.Problems("input", request.Inputs, model.Inputs)
            .Concat(SignatureCheck.Problems("output", request.Outputs, model.Outputs))
            .ToList();
        if (problems.Count > 0)
        {
            throw new StageFailedException(
                $"Model '{request.ModelUri}' does not have the declared interface: {string.Join("; ", problems)}. " +
                "Fix Inputs/Outputs in the request, or leave them empty to take the model's own.");
        }
    }

    private static Inference.ModelConfig DefaultConfig(ConvertModel request, OnnxModelInfo model, int maxBatchSize, bool gpu)
    {
        try
        {
            return DefaultModelConfig.Create(request.ModelName, model.Inputs, model.Outputs, maxBatchSize, gpu);
        }
        catch (ArgumentException e)
        {
            throw new StageFailedException($"Model '{request.ModelUri}' cannot be served by Triton's ONNX backend: {e.Message}.", e);
        }
    }
}
