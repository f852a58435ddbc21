using Google.Protobuf;
using InferencePipeline.ModelRepository.OnnxFiles;
using Onnx;

namespace InferencePipeline.Onnx.Files;

/// <summary>
/// Brings a model's external-data tensors into the model itself, so a graph transform (int8, fp16) sees every weight
/// and writes one self-contained file. Only for models whose whole size stays under protobuf's 2 GB message limit;
/// the files are checked by <see cref="ExternalDataFiles"/>' rule first, so nothing outside the model's folder is read.
/// </summary>
public static class ExternalDataInlining
{
    /// <summary>Protobuf's limit for one message: a model file past it cannot be written inline.</summary>
    private const long ProtobufLimit = int.MaxValue;

    /// <summary>Replaces every external tensor's reference with its bytes; a model without any is left as it is.</summary>
    /// <exception cref="InvalidModelException">A file breaks the external-data rule, or the inlined model would pass 2 GB.</exception>
    public static void Inline(ModelProto model, string modelPath)
    {
        var external = Tensors(model.Graph).Where(t => t.DataLocation == TensorProto.Types.DataLocation.External).ToList();
        if (external.Count == 0)
        {
            return;
        }

        ExternalDataFiles.Check(modelPath, OnnxFileScanner.Scan(modelPath));
        string folder = Path.GetDirectoryName(Path.GetFullPath(modelPath))!;
        long total = model.CalculateSize();
        foreach (var tensor in external)
        {
            var entries = tensor.ExternalData.ToDictionary(e => e.Key, e => e.Value, StringComparer.Ordinal);
            if (!entries.TryGetValue("location", out var location) || Path.IsPathRooted(location) || location.Split('/', '\\').Contains(".."))
            {
                throw new InvalidModelException(modelPath,
                    $"'{Path.GetFileName(modelPath)}' keeps tensor '{tensor.Name}' as external data without a file in the model's folder; save the model again with its data beside it.",
                    remedyIncluded: true);
            }

            string path = Path.Combine(folder, location);
            long offset = entries.TryGetValue("offset", out var o) ? long.Parse(o, System.Globalization.CultureInfo.InvariantCulture) : 0;
            long length = entries.TryGetValue("length", out var l)
                ? long.Parse(l, System.Globalization.CultureInfo.InvariantCulture)
                : new FileInfo(path).Length - offset;
            total += length;
            if (total > ProtobufLimit)
            {
                throw new InvalidModelException(modelPath,
                    $"'{Path.GetFileName(modelPath)}' holds more than 2 GB of weights, too many to transform in one ONNX file; " +
                    "transform it with its external data in place (e.g. onnxruntime's quantization tools) or serve it in fp32.",
                    remedyIncluded: true);
            }

            tensor.RawData = ByteString.CopyFrom(Read(path, offset, length));
            tensor.ExternalData.Clear();
            tensor.DataLocation = TensorProto.Types.DataLocation.Default;
        }
    }

    private static byte[] Read(string path, long offset, long length)
    {
        var bytes = new byte[length];
        using var stream = File.OpenRead(path);
        stream.Seek(offset, SeekOrigin.Begin);
        stream.ReadExactly(bytes);
        return bytes;
    }

    /// <summary>Every tensor of a graph: its initializers and the tensors in node attributes, subgraphs (If, Loop, Scan) included.</summary>
    private static IEnumerable<TensorProto> Tensors(GraphProto? graph)
    {
        if (graph is null)
        {
            yield break;
        }

        foreach (var initializer in graph.Initializer)
        {
            yield return initializer;
        }

        foreach (var attribute in graph.Node.SelectMany(n => n.Attribute))
        {
            if (attribute.T is not null)
            {
                yield return attribute.T;
            }

            foreach (var tensor in attribute.Tensors)
            {
                yield return tensor;
            }

            foreach (var sub in attribute.Graphs.Prepend(attribute.G).SelectMany(Tensors))
            {
                yield return sub;
            }
        }
    }
}
