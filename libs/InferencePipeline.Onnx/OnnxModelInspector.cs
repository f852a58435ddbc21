using Google.Protobuf;
using InferencePipeline.Contracts;
using InferencePipeline.KServe;
using Microsoft.ML.OnnxRuntime;
using Onnx;

namespace InferencePipeline.Onnx;

/// <summary>
/// Reads a model's interface the way the serving runtime will see it: ONNX Runtime loads the file (so "valid"
/// means "ORT can load it", not merely "it parses"), and the opset comes from the file's header.
/// </summary>
public static class OnnxModelInspector
{
    /// <summary>
    /// Inputs/outputs (symbolic dims → -1), opset and producer of <paramref name="modelPath"/>.
    /// Throws <see cref="InvalidModelException"/> naming the file and the cause for a missing, corrupt or
    /// unloadable file.
    /// </summary>
    public static OnnxModelInfo Inspect(string modelPath)
    {
        ArgumentException.ThrowIfNullOrEmpty(modelPath);
        if (!File.Exists(modelPath))
        {
            throw new InvalidModelException(modelPath, $"model file '{modelPath}' does not exist",
                new FileNotFoundException(null, modelPath));
        }

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
            throw new InvalidModelException(modelPath, $"'{modelPath}' is not a model ONNX Runtime can load: {e.Message}", e);
        }

        using (session)
        {
            var inputs = session.InputNames.Select(name => Spec(modelPath, name, session.InputMetadata[name])).ToList();
            var outputs = session.OutputNames.Select(name => Spec(modelPath, name, session.OutputMetadata[name])).ToList();
            string producer = session.ModelMetadata.ProducerName ?? "";
            return new OnnxModelInfo(inputs, outputs, ReadDefaultOpset(modelPath), producer);
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

    /// <summary>
    /// Reads only the top-level fields of ModelProto, skipping the (possibly huge) graph, to find the
    /// opset of the default domain ("" or "ai.onnx"); 0 when the file declares none.
    /// </summary>
    private static long ReadDefaultOpset(string modelPath)
    {
        const int opsetImportField = 8;
        try
        {
            using var stream = File.OpenRead(modelPath);
            var input = new CodedInputStream(stream);
            long opset = 0;
            uint tag;
            while ((tag = input.ReadTag()) != 0)
            {
                if (WireFormat.GetTagFieldNumber(tag) == opsetImportField
                    && WireFormat.GetTagWireType(tag) == WireFormat.WireType.LengthDelimited)
                {
                    var entry = new OperatorSetIdProto();
                    input.ReadMessage(entry);
                    if (entry.Domain is "" or "ai.onnx")
                    {
                        opset = entry.Version;
                    }
                }
                else
                {
                    input.SkipLastField();
                }
            }

            return opset;
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new InvalidModelException(modelPath, $"'{modelPath}' has a corrupt ONNX header: {e.Message}", e);
        }
    }
}
