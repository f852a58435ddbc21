using InferencePipeline.Contracts;
using InferencePipeline.KServe;
using InferencePipeline.ModelRepository.OnnxFiles;
using InferencePipeline.Onnx.Files;
using Microsoft.ML.OnnxRuntime;

namespace InferencePipeline.Onnx;

/// <summary>
/// Reads a model's interface the way the serving runtime will see it: ONNX Runtime loads the file (so "valid"
/// means "ORT can load it", not merely "it parses"), and the opset comes from the file's header.
/// </summary>
public static class OnnxModelInspector
{
    /// <summary>
    /// Protobuf cannot hold a message of 2 GiB or more, so neither can one .onnx file: bigger models keep their
    /// weights in external-data files.
    /// </summary>
    public const long MaxSingleFileBytes = int.MaxValue;

    /// <summary>
    /// Inputs/outputs (symbolic dims → -1, with the model's names for them), opset, IR version, producer and
    /// external-data files of <paramref name="modelPath"/>. Throws <see cref="InvalidModelException"/> naming the
    /// file and the cause for a missing, corrupt or unloadable file, a single file over 2 GB, external data
    /// outside the model's folder or missing, and an IR version or opset this ONNX Runtime cannot run.
    /// </summary>
    public static OnnxModelInfo Inspect(string modelPath)
    {
        ArgumentException.ThrowIfNullOrEmpty(modelPath);
        if (!File.Exists(modelPath))
        {
            throw new InvalidModelException(modelPath, $"model file '{modelPath}' does not exist",
                new FileNotFoundException(null, modelPath));
        }

        RequireProtobufSize(modelPath);

        // A file whose bytes do not even scan is left to ONNX Runtime, whose error then says what it makes of it.
        OnnxFileFacts? facts = null;
        InvalidDataException? scanError = null;
        try
        {
            facts = OnnxFileScanner.Scan(modelPath);
        }
        catch (InvalidDataException e)
        {
            scanError = e;
        }

        var externalData = facts is null ? [] : ExternalDataFiles.Check(modelPath, facts);

        // No graph optimization: inspection needs only metadata, and an fp16 model with ORT_ENABLE_ALL can crash
        // the process on CPU (docs/platform-facts.md), which an inspector must never do.
        using var options = new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_DISABLE_ALL,
            LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR,
            IntraOpNumThreads = 1,
        };

        InferenceSession session;
        try
        {
            session = new InferenceSession(modelPath, options);
        }
        catch (OnnxRuntimeException e)
        {
            if (facts is not null && OrtLoadFailure.RuntimeLimit(e.Message, facts) is { } limit)
            {
                throw new InvalidModelException(modelPath,
                    $"'{modelPath}' is ONNX IR version {facts.IrVersion} at opset {facts.DefaultOpset}, which ONNX Runtime {RuntimeVersion} cannot run " +
                    $"({limit}). Convert the model to an opset and IR version this ONNX Runtime supports: export it again at a released opset " +
                    "(torch.onnx.export(..., opset_version=17); inferpipe convert --onnx_opset 17) or convert it with onnx.version_converter.",
                    e, remedyIncluded: true);
            }

            throw new InvalidModelException(modelPath, $"'{modelPath}' is not a model ONNX Runtime can load: {e.Message}", e);
        }

        using (session)
        {
            if (facts is null)
            {
                throw new InvalidModelException(modelPath, $"'{modelPath}' has a corrupt ONNX header: {scanError!.Message}", scanError);
            }

            var inputs = session.InputNames.Select(name => Spec(modelPath, name, session.InputMetadata[name])).ToList();
            var outputs = session.OutputNames.Select(name => Spec(modelPath, name, session.OutputMetadata[name])).ToList();
            var dimNames = session.InputNames.ToDictionary(
                name => name,
                name => (IReadOnlyList<string>)session.InputMetadata[name].SymbolicDimensions.Select(d => d ?? "").ToArray(),
                StringComparer.Ordinal);
            string producer = session.ModelMetadata.ProducerName ?? "";
            return new OnnxModelInfo(inputs, outputs, facts.DefaultOpset, producer, facts.IrVersion, externalData, dimNames);
        }
    }

    /// <summary>The ONNX Runtime this process runs, as it reports itself ("1.31.0").</summary>
    public static string RuntimeVersion => OrtEnv.Instance().GetVersionString();

    private static void RequireProtobufSize(string modelPath)
    {
        long length = new FileInfo(modelPath).Length;
        if (length > MaxSingleFileBytes)
        {
            throw new InvalidModelException(modelPath,
                $"'{modelPath}' is one file of {length / 1e9:0.##} GB, over the 2 GB a protobuf message (an .onnx file) can hold, so no ONNX runtime can read it. " +
                "Save the model with its weights as external data beside it (onnx.save_model(model, path, save_as_external_data=True, " +
                "location=\"model.onnx.data\"); torch.onnx.export does so by itself for models over 2 GB) and send that model.onnx with its data file(s) in the same folder.",
                remedyIncluded: true);
        }
    }

    private static TensorSpec Spec(string modelPath, string name, NodeMetadata metadata)
    {
        if (!metadata.IsTensor)
        {
            throw new InvalidModelException(modelPath,
                $"'{modelPath}': '{name}' is a {metadata.OnnxValueType}, not a tensor; only tensor inputs and outputs can be served");
        }

        // ORT reports symbolic or unknown dims as -1 already; keep them -1 whatever the symbol says.
        var shape = metadata.Dimensions.Select(d => d < 0 ? -1L : d).ToArray();
        var dataType = TensorDataType.FromOnnx((int)metadata.ElementDataType)
            ?? throw new NotSupportedException($"ONNX element type {metadata.ElementDataType} has no KServe v2 datatype");
        return new TensorSpec(name, dataType.Name, shape);
    }
}
