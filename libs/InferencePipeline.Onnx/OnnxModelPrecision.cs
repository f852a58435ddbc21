using System.Collections.Concurrent;
using Onnx;

namespace InferencePipeline.Onnx;

/// <summary>
/// Whether a model computes in fp16 anywhere: fp16 initializers, graph inputs/outputs/intermediate values, Cast
/// nodes to fp16 or fp16 Constants. Converters usually keep fp32 inputs and outputs and cast inside, so the
/// interface alone does not tell. Needed because ORT_ENABLE_ALL on an fp16 model crashes the process on CPU
/// (docs/platform-facts.md).
/// </summary>
public static class OnnxModelPrecision
{
    private const int Float16 = (int)TensorProto.Types.DataType.Float16;

    // Servers open one session per instance and the tuner many per model: parse each file version once.
    private static readonly ConcurrentDictionary<(string Path, long Length, DateTime Written), bool> Cache = new();

    public static bool UsesFloat16(string modelPath)
    {
        var file = new FileInfo(modelPath);
        if (!file.Exists)
        {
            throw new InvalidModelException(modelPath, $"model file '{modelPath}' does not exist", new FileNotFoundException(null, modelPath));
        }

        var key = (file.FullName, file.Length, file.LastWriteTimeUtc);
        if (Cache.TryGetValue(key, out bool cached))
        {
            return cached;
        }

        bool result = Scan(modelPath);
        Cache[key] = result;
        return result;
    }

    private static bool Scan(string modelPath)
    {
        ModelProto model;
        try
        {
            using var stream = File.OpenRead(modelPath);
            model = ModelProto.Parser.ParseFrom(stream);
        }
        catch (Exception e) when (e is Google.Protobuf.InvalidProtocolBufferException or IOException)
        {
            throw new InvalidModelException(modelPath, $"'{modelPath}' cannot be read as ONNX: {e.Message}", e);
        }

        return model.Graph is { } graph && UsesFloat16(graph);
    }

    private static bool UsesFloat16(GraphProto graph)
    {
        if (graph.Initializer.Any(t => t.DataType == Float16)
            || graph.Input.Concat(graph.Output).Concat(graph.ValueInfo).Any(v => v.Type?.TensorType?.ElemType == Float16))
        {
            return true;
        }

        foreach (var node in graph.Node)
        {
            foreach (var attribute in node.Attribute)
            {
                bool castToHalf = node.OpType == "Cast" && attribute.Name == "to" && attribute.I == Float16;
                bool halfTensor = attribute.T?.DataType == Float16;
                if (castToHalf || halfTensor || attribute.G is { } sub && UsesFloat16(sub) || attribute.Graphs.Any(UsesFloat16))
                {
                    return true;
                }
            }
        }

        return false;
    }
}
