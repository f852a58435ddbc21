using Google.Protobuf;
using Onnx;

namespace InferencePipeline.Onnx.Tests.Fuzzing;

/// <summary>
/// Damages a model that still parses: the protobuf is well formed, what it says is not (element types that do not
/// exist, dims that are negative or huge, initializers whose bytes do not match their dims, operators and domains
/// nobody registered, edges to nowhere, subgraphs removed, opsets and IR versions out of range, external data that
/// points outside the model's directory). Byte-level damage rarely gets past the parser; this reaches ONNX Runtime's
/// graph code, where a crash would be.
/// </summary>
public static class OnnxStructureMutator
{
    private static readonly int[] ElementTypes = [0, 1, 2, 3, 6, 7, 8, 9, 10, 11, 16, 17, 23, 99, -1];
    private static readonly long[] Dims = [-5, -1, 0, 1, 2, 3, 16, int.MaxValue, 1L << 40, long.MaxValue];
    /// <summary>The name of the damage that points an initializer's data at a file outside the model's directory.</summary>
    public const string OutsideExternalData = "external_data_outside";

    private static readonly string[] OpTypes = ["Foo", "", "Add", "Identity", "Loop", "If", "Reshape", "Cast", "MatMul", "Scan", "Gather"];

    public static (byte[] Bytes, string How) Mutate(byte[] seed, Random random)
    {
        var model = ModelProto.Parser.ParseFrom(seed);
        var how = new List<string>();
        var mutations = random.Next(1, 4);
        for (var m = 0; m < mutations; m++)
        {
            how.Add(Apply(model, random));
        }
        return (model.ToByteArray(), string.Join("+", how));
    }

    private static string Apply(ModelProto model, Random random)
    {
        var graph = model.Graph;
        var values = graph.Input.Concat(graph.Output).ToList();
        switch (random.Next(12))
        {
            case 0 when values.Count > 0:
                Element(random, values).Type.TensorType.ElemType = Pick(random, ElementTypes);
                return "elemtype";
            case 1 when values.Count > 0:
                var shape = Element(random, values).Type.TensorType.Shape;
                if (shape.Dim.Count > 0)
                {
                    Element(random, shape.Dim).DimValue = Pick(random, Dims);
                }
                return "dim";
            case 2 when graph.Initializer.Count > 0:
                var dims = Element(random, graph.Initializer).Dims;
                dims.Clear();
                dims.AddRange(Enumerable.Range(0, random.Next(0, 4)).Select(_ => Pick(random, Dims)));
                return "initializer_dims";
            case 3 when graph.Initializer.Count > 0:
                Element(random, graph.Initializer).DataType = Pick(random, ElementTypes);
                return "initializer_type";
            case 4 when graph.Initializer.Count > 0:
                var tensor = Element(random, graph.Initializer);
                var raw = tensor.RawData.ToByteArray();
                Array.Resize(ref raw, Math.Max(0, raw.Length + random.Next(-raw.Length, 9)));
                tensor.RawData = ByteString.CopyFrom(raw);
                return "initializer_bytes";
            case 5 when graph.Node.Count > 0:
                Element(random, graph.Node).OpType = Pick(random, OpTypes);
                return "optype";
            case 6 when graph.Node.Count > 0:
                var node = Element(random, graph.Node);
                if (node.Input.Count > 0)
                {
                    node.Input[random.Next(node.Input.Count)] = Pick(random, "", "nowhere", node.Output.FirstOrDefault() ?? "x");
                }
                return "edge";
            case 7 when graph.Node.Count > 0:
                if (random.Next(2) == 0)
                {
                    graph.Node.RemoveAt(random.Next(graph.Node.Count));
                }
                else
                {
                    graph.Node.Add(Element(random, graph.Node).Clone());
                }
                return "nodes";
            case 8 when graph.Node.Count > 0:
                var attributes = Element(random, graph.Node).Attribute;
                if (attributes.Count > 0)
                {
                    var attribute = Element(random, attributes);
                    switch (random.Next(3))
                    {
                        case 0: attribute.I = Pick(random, Dims); break;
                        case 1: attribute.G = random.Next(2) == 0 ? null : model.Graph.Clone(); break;
                        default: attribute.Type = (AttributeProto.Types.AttributeType)random.Next(0, 16); break;
                    }
                }
                return "attribute";
            case 9:
                if (model.OpsetImport.Count > 0)
                {
                    var opset = Element(random, model.OpsetImport);
                    opset.Version = Pick(random, 0L, 1, 7, 11, 21, 999, -1);
                    opset.Domain = Pick(random, opset.Domain, "com.microsoft", "ai.onnx.ml", "bogus");
                }
                return "opset";
            case 10:
                model.IrVersion = Pick(random, 0L, 1, 3, 7, 10, 99, -1);
                return "ir_version";
            case 11 when graph.Initializer.Count > 0:
                var external = Element(random, graph.Initializer);
                var location = Pick(random, "/etc/hostname", "../../../../etc/hostname", "missing.bin", "");
                external.DataLocation = TensorProto.Types.DataLocation.External;
                external.ExternalData.Add(new StringStringEntryProto { Key = "location", Value = location });
                external.ExternalData.Add(new StringStringEntryProto { Key = "length", Value = Pick(random, "4", "-1", "99999999999") });
                external.RawData = ByteString.Empty;
                return location.Contains("etc", StringComparison.Ordinal) ? OutsideExternalData : "external_data";
            default:
                return "unchanged";
        }
    }

    private static T Element<T>(Random random, IList<T> items) => items[random.Next(items.Count)];

    private static T Pick<T>(Random random, params T[] items) => items[random.Next(items.Length)];
}
