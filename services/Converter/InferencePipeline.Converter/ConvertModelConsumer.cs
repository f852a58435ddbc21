using System.Diagnostics;
using InferencePipeline.Artifacts;
using InferencePipeline.Contracts;
using InferencePipeline.Converter.PyTorch;
using InferencePipeline.Onnx;
using InferencePipeline.ModelRepository.OnnxFiles;
using InferencePipeline.Stages;
using MassTransit;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace InferencePipeline.Converter;

/// <summary>
/// Handles <see cref="ConvertModel"/>, OLive's <c>convert</c> as a stage. A PyTorch file (TorchScript, or a pickled
/// model when the request trusts it) is exported by <see cref="PyTorchExporter"/> into <c>converter/model.onnx</c>;
/// an ONNX file is checked (ONNX Runtime loads it, its opset and IR version, its external-data files) and copied
/// there with its external data. Either way the model must have the interface the request declares, every open
/// non-batch dimension needs a declared size to measure at, and the stage writes the baseline Triton repository
/// entry (<c>converter/model_repository/&lt;model&gt;/config.pbtxt</c> + <c>1/model.onnx</c>, open dims kept -1) and
/// publishes <see cref="ModelConverted"/> with the sized inputs. Bad input ends in <see cref="StageFailed"/> naming
/// the problem and the fix (no retry can fix it); I/O trouble throws so the bus retries. Nothing is written outside
/// the pipeline's converter folder, and nothing is read but an uploaded model or one under an allowed root.
/// </summary>
public sealed class ConvertModelConsumer(
    ArtifactStore store,
    ModelSourcePolicy sources,
    PyTorchExporter exporter,
    IOptions<ConverterOptions> options,
    IOptions<PyTorchExportOptions> exportOptions,
    ILogger<ConvertModelConsumer> logger)
    : IConsumer<ConvertModel>
{
    /// <summary>How often a running PyTorch export reports that it is still running.</summary>
    private static readonly TimeSpan ExportHeartbeat = TimeSpan.FromSeconds(10);

    public Task Consume(ConsumeContext<ConvertModel> context) =>
        StageExecution.RunAsync(context, ConverterTelemetry.Stage, context.Message.PipelineId, context.Message.ModelName, logger, ConvertAsync);

    /// <inheritdoc cref="BaselineEntry.MaxBatchSizeFor"/>
    public static int MaxBatchSizeFor(OnnxModelInfo model, int dynamicMaxBatchSize) => BaselineEntry.MaxBatchSizeFor(model, dynamicMaxBatchSize);

    private async Task ConvertAsync(StageRun<ConvertModel> run)
    {
        var request = run.Command;
        var ct = run.CancellationToken;
        run.Activity?.SetTag("model.uri", request.ModelUri);
        StageFailedException.ThrowIfProblem(ModelNames.Problem(request.ModelName));
        var format = ResolveFormat(request, run);
        var sourcePath = ResolveSource(request);
        var declared = DeclaredSizes.NormalizeTypes(request.Inputs ?? []);
        var onnxUri = ConverterArtifacts.Onnx(request.PipelineId);
        var onnxPath = store.PathFor(onnxUri);

        OnnxModelInfo model;
        if (format is ModelFormat.TorchScript or ModelFormat.PyTorch)
        {
            var export = await ExportAsync(run, format, sourcePath, declared, onnxPath);
            model = Inspect(onnxPath);
            // The export's graph is the signature: inputs the model ignores are not in it, so they are not declared either.
            declared = declared.Where(d => export.InputSpecs.Any(i => i.Name == d.Name)).ToList();
        }
        else
        {
            model = Inspect(sourcePath);
        }

        RequireDeclaredInterface(request, declared, model);
        var maxBatchSize = BaselineEntry.MaxBatchSizeFor(model, options.Value.DynamicMaxBatchSize);
        var sized = DeclaredSizes.Merge(model, declared, maxBatchSize > 0);
        if (sized.Open.Count > 0)
        {
            throw new StageFailedException(DeclaredSizes.Problem(request.ModelUri, sized, maxBatchSize > 0));
        }

        string external = model.ExternalDataFiles is { Count: > 0 } files ? $", external data in {string.Join(", ", files)}" : "";
        await run.ProgressAsync(0.6,
            $"ONNX Runtime {OnnxModelInspector.RuntimeVersion} loads the model: {model.Inputs.Count} input(s), {model.Outputs.Count} output(s), " +
            $"opset {model.OpsetVersion}, IR version {model.IrVersion}{external}; measuring at {Shapes(sized.Inputs)}");

        var config = DefaultConfig(request, model, maxBatchSize, ConverterOptions.BaselineOnGpu(options.Value.BaselineInstanceKind, () => ExecutionProviders.Detect().Cuda));
        if (format == ModelFormat.Onnx)
        {
            await OnnxModelFiles.CopyAsync(sourcePath, onnxPath, model.ExternalDataFiles ?? [], ct);
            await run.ProgressAsync(0.8, $"copied the model{(external.Length > 0 ? " and its external data" : "")} to {onnxUri}");
        }

        await BaselineEntry.WriteAsync(store.PathFor(ConverterArtifacts.Repository(request.PipelineId)), request.ModelName, onnxPath, config, ct);
        var configUri = ConverterArtifacts.DefaultConfig(request.PipelineId, request.ModelName);
        run.Activity?.SetTag("model.max_batch_size", maxBatchSize);
        logger.LogInformation("Pipeline {PipelineId}: accepted {Format} model {Model} ({Uri}), max_batch_size {MaxBatchSize}, inputs {Inputs}, config {ConfigUri}",
            request.PipelineId, format, request.ModelName, request.ModelUri, maxBatchSize, Shapes(sized.Inputs), configUri);

        await run.ProgressAsync(1.0, $"wrote the default repository entry {configUri}");
        await run.PublishAsync(new ModelConverted(
            request.PipelineId, request.ModelName, onnxUri, configUri, sized.Inputs, model.Outputs, maxBatchSize));
    }

    private static ModelFormat ResolveFormat(ConvertModel request, StageRun<ConvertModel> run)
    {
        var format = ModelFormatDecision.Resolve(request.Format, request.ModelUri);
        run.Activity?.SetTag("model.format", format?.ToString());
        return format ?? throw new StageFailedException(
            $"Cannot tell the format of '{request.ModelUri}' from its extension; name the file *.onnx (ONNX), *.pt (TorchScript) or *.pth (torch.save), " +
            "or set Format to Onnx, TorchScript or PyTorch.");
    }

    /// <summary>The model file, once <see cref="ModelSourcePolicy"/> allows it: a message may name any path, whatever the API let through.</summary>
    private string ResolveSource(ConvertModel request)
    {
        try
        {
            return sources.Resolve(request.ModelUri);
        }
        catch (ModelSourceException e)
        {
            throw new StageFailedException(e.Message, e);
        }
        catch (Exception e) when (e is FileNotFoundException or NotSupportedException or ArtifactUriException or ArgumentException)
        {
            throw new StageFailedException(
                $"Cannot read the model: {e.Message} Give a local path, a file:// URI or an artifacts/ URI of an existing .onnx, .pt or .pth file.", e);
        }
    }

    /// <summary>
    /// The PyTorch → ONNX export into the converter's folder, reporting while the child python runs. Its refusals
    /// (untrusted pickle, state dict, python failure, time limit, outputs that differ from PyTorch's) end the stage.
    /// </summary>
    private async Task<PyTorchExportResult> ExportAsync(
        StageRun<ConvertModel> run, ModelFormat format, string sourcePath, IReadOnlyList<TensorSpec> declared, string onnxPath)
    {
        var request = run.Command;
        if (declared.Count == 0)
        {
            throw new StageFailedException(
                $"'{request.ModelUri}' is a {format} model, and a PyTorch file does not say what its inputs are: declare each argument of its forward(), " +
                "in order, with name, type and shape (-1 for a dynamic dimension; a size is fixed in the exported model, as OLive's --input_shapes). " +
                "CLI: inferpipe run --model FILE --shape input_ids:128 --input-types int64 (one --shape per input); inferpipe convert --input_names input_ids " +
                "--input_types int64 --input_shapes \"[[-1,128]]\"; HTTP API \"inputs\": [{\"name\":\"input_ids\",\"dataType\":\"INT64\",\"shape\":[-1,128]}].");
        }

        int opset = request.OnnxOpset ?? PyTorchExportRequest.DefaultOpset;
        var outputNames = (request.Outputs ?? []).Select(o => o.Name).ToList();
        var export = new PyTorchExportRequest(sourcePath, onnxPath, declared, outputNames, opset, request.TrustPickle);
        await run.ProgressAsync(0.05, $"exporting the {format} model to ONNX at opset {opset} with torch.onnx.export in a child python " +
                                      $"(limit {exportOptions.Value.Timeout:g})");

        using var beating = CancellationTokenSource.CreateLinkedTokenSource(run.CancellationToken);
        var heartbeat = ReportWhileExportingAsync(run, beating.Token);
        PyTorchExportResult result;
        try
        {
            result = await exporter.ExportAsync(export, run.CancellationToken);
        }
        catch (PyTorchExportException e)
        {
            logger.LogWarning("Pipeline {PipelineId}: the PyTorch export of {Uri} failed: {Details}", request.PipelineId, request.ModelUri, e.Message);
            throw new StageFailedException(e.Summary, e);
        }
        finally
        {
            await beating.CancelAsync();
            await heartbeat;
        }

        var notes = result.Notes.Count > 0 ? $"; {string.Join("; ", result.Notes)}" : "";
        await run.ProgressAsync(0.5,
            $"exported with torch {result.TorchVersion} in {result.Elapsed.TotalSeconds:0.0} s: ONNX Runtime matches PyTorch within {result.WorstAbsDiff:G2} " +
            $"(tolerance {result.Tolerance:G2}) at batch sizes {string.Join(", ", result.CheckedBatchSizes)}{notes}");
        return result;
    }

    private static async Task ReportWhileExportingAsync(StageRun<ConvertModel> run, CancellationToken ct)
    {
        using var timer = new PeriodicTimer(ExportHeartbeat);
        var started = Stopwatch.GetTimestamp();
        try
        {
            while (await timer.WaitForNextTickAsync(ct))
            {
                var elapsed = Stopwatch.GetElapsedTime(started);
                await run.ProgressAsync(0.05 + Math.Min(0.4, elapsed.TotalMinutes / 25), $"the PyTorch export is still running ({elapsed.TotalSeconds:0} s)", ct);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The export ended.
        }
    }

    private static OnnxModelInfo Inspect(string path)
    {
        try
        {
            return OnnxModelInspector.Inspect(path);
        }
        catch (InvalidModelException e)
        {
            throw new StageFailedException(ModelProblem.Describe(e), e);
        }
    }

    private static void RequireDeclaredInterface(ConvertModel request, IReadOnlyList<TensorSpec> declared, OnnxModelInfo model)
    {
        var problems = SignatureCheck.Problems("input", declared, model.Inputs, everyTensorDeclared: false)
            .Concat(SignatureCheck.Problems("output", DeclaredSizes.NormalizeTypes(request.Outputs ?? []), model.Outputs))
            .ToList();
        if (problems.Count > 0)
        {
            throw new StageFailedException(
                $"Model '{request.ModelUri}' does not have the declared interface: {string.Join("; ", problems)}. " +
                "Fix Inputs/Outputs in the request (CLI: --shape), or leave them empty to take the model's own.");
        }
    }

    private static Inference.ModelConfig DefaultConfig(ConvertModel request, OnnxModelInfo model, int maxBatchSize, bool gpu)
    {
        try
        {
            return BaselineEntry.Config(request.ModelName, model, maxBatchSize, gpu);
        }
        catch (ArgumentException e)
        {
            throw new StageFailedException($"Model '{request.ModelUri}' cannot be served by Triton's ONNX backend: {e.Message}.", e);
        }
    }

    private static string Shapes(IEnumerable<TensorSpec> inputs) =>
        string.Join(", ", inputs.Select(i => $"{i.Name} {i.DataType} [{string.Join(",", i.Shape)}]"));
}
