using Onnx;

namespace InferencePipeline.Onnx.Precision;

/// <summary>
/// The element type of every value in a graph, from its inputs, initializers and declared value infos, then node
/// by node with each op's typing rule (ONNX shape inference is not available in .NET). Ops not in the table take
/// the type of their first typed input, which is what elementwise and data-movement ops do.
/// </summary>
internal static class ElementTypes
{
    private const int Bool = (int)TensorProto.Types.DataType.Bool;
    private const int Int64 = (int)TensorProto.Types.DataType.Int64;
    private const int Int32 = (int)TensorProto.Types.DataType.Int32;
    private const int UInt8 = (int)TensorProto.Types.DataType.Uint8;
    private const int Float = (int)TensorProto.Types.DataType.Float;

    private static readonly HashSet<string> Int64Outputs = ["Shape", "Size", "NonZero", "ArgMax", "ArgMin", "NonMaxSuppression"];
    private static readonly HashSet<string> BoolOutputs =
        ["Equal", "Less", "Greater", "LessOrEqual", "GreaterOrEqual", "Not", "And", "Or", "Xor", "IsNaN", "IsInf"];

    public static Dictionary<string, int> Infer(GraphProto graph)
    {
        var types = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var value in graph.Input.Concat(graph.ValueInfo).Concat(graph.Output))
        {
            if (value.Type?.TensorType is { ElemType: > 0 } tensor)
            {
                types[value.Name] = tensor.ElemType;
            }
        }

        foreach (var tensor in graph.Initializer)
        {
            types[tensor.Name] = tensor.DataType;
        }

        foreach (var node in graph.Node)
        {
            for (int i = 0; i < node.Output.Count; i++)
            {
                if (node.Output[i].Length > 0 && OutputType(node, i, types) is int type and > 0)
                {
                    types.TryAdd(node.Output[i], type);
                }
            }
        }

        return types;
    }

    private static int OutputType(NodeProto node, int output, Dictionary<string, int> types)
    {
        int InputType(int index) => index < node.Input.Count && types.TryGetValue(node.Input[index], out int t) ? t : 0;

        string op = node.OpType;
        if (Int64Outputs.Contains(op) || op == "TopK" && output == 1)
        {
            return Int64;
        }

        if (BoolOutputs.Contains(op))
        {
            return Bool;
        }

        switch (op)
        {
            case "Cast":
                return (int)(node.Attribute.FirstOrDefault(a => a.Name == "to")?.I ?? 0);
            case "CastLike":
                return InputType(1);
            case "Constant":
                return ConstantType(node);
            case "ConstantOfShape":
                return node.Attribute.FirstOrDefault(a => a.Name == "value")?.T?.DataType ?? Float;
            case "Where":
                return InputType(1);
            case "OneHot":
                return InputType(2);
            case "DynamicQuantizeLinear":
                return output == 1 ? Float : UInt8;
            case "QuantizeLinear":
                return InputType(2) is int zp and > 0 ? zp : UInt8;
            case "DequantizeLinear":
                return InputType(1);
            case "MatMulInteger" or "ConvInteger":
                return Int32;
            case "LayerNormalization" when output > 0:
                return Float; // mean and inverse std dev: the stash type, fp32 unless stated
        }

        for (int i = 0; i < node.Input.Count; i++)
        {
            if (InputType(i) is int t and > 0)
            {
                return t;
            }
        }

        return 0;
    }

    private static int ConstantType(NodeProto node)
    {
        foreach (var attribute in node.Attribute)
        {
            switch (attribute.Name)
            {
                case "value": return attribute.T.DataType;
                case "value_float" or "value_floats": return Float;
                case "value_int" or "value_ints": return Int64;
                case "value_string" or "value_strings": return (int)TensorProto.Types.DataType.String;
            }
        }

        return 0;
    }
}
