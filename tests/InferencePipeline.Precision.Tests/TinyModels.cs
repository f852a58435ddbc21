using System.Runtime.InteropServices;
using Google.Protobuf;
using Onnx;

namespace InferencePipeline.Precision.Tests;

/// <summary>Small ONNX graphs written in the tests for the cases the demo models do not have (Gemm, integer-only graphs).</summary>
internal static class TinyModels
{
    public const int Features = 64;
    public const int Units = 96;

    /// <summary>Y = Relu(X · Wᵀ + C): a Gemm with a transposed [96, 64] weight and a bias, X FP32 [batch, 64].</summary>
    public static ModelProto GemmRelu()
    {
        var graph = new GraphProto { Name = "gemm_relu" };
        graph.Input.Add(Value("X", TensorProto.Types.DataType.Float, Features));
        graph.Output.Add(Value("Y", TensorProto.Types.DataType.Float, Units));
        graph.Initializer.Add(Floats("W", Enumerable.Range(0, Units * Features).Select(i => MathF.Sin(i * 0.37f) * 0.2f).ToArray(), Units, Features));
        graph.Initializer.Add(Floats("C", Enumerable.Range(0, Units).Select(i => MathF.Cos(i) * 0.1f).ToArray(), Units));
        var gemm = Node("Gemm", ["X", "W", "C"], "H");
        gemm.Attribute.Add(new AttributeProto { Name = "transB", Type = AttributeProto.Types.AttributeType.Int, I = 1 });
        graph.Node.Add(gemm);
        graph.Node.Add(Node("Relu", ["H"], "Y"));
        return Model(graph);
    }

    /// <summary>Y = X + 1 on INT64 [batch, 4]: nothing in floating point.</summary>
    public static ModelProto IntegerAdd()
    {
        var graph = new GraphProto { Name = "integer_add" };
        graph.Input.Add(Value("X", TensorProto.Types.DataType.Int64, 4));
        graph.Output.Add(Value("Y", TensorProto.Types.DataType.Int64, 4));
        var one = new TensorProto { Name = "one", DataType = (int)TensorProto.Types.DataType.Int64, RawData = ByteString.CopyFrom(BitConverter.GetBytes(1L)) };
        graph.Initializer.Add(one);
        graph.Node.Add(Node("Add", ["X", "one"], "Y"));
        return Model(graph);
    }

    public static float[] Input(int batch) =>
        Enumerable.Range(0, batch * Features).Select(i => MathF.Cos(i * 0.11f)).ToArray();

    private static ModelProto Model(GraphProto graph)
    {
        var model = new ModelProto { IrVersion = 8, ProducerName = "precision-tests", Graph = graph };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = 17 });
        return model;
    }

    private static NodeProto Node(string op, string[] inputs, string output)
    {
        var node = new NodeProto { OpType = op, Name = op.ToLowerInvariant() };
        node.Input.AddRange(inputs);
        node.Output.Add(output);
        return node;
    }

    private static TensorProto Floats(string name, float[] values, params long[] dims)
    {
        var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float, RawData = ByteString.CopyFrom(MemoryMarshal.AsBytes(values.AsSpan())) };
        tensor.Dims.AddRange(dims);
        return tensor;
    }

    private static ValueInfoProto Value(string name, TensorProto.Types.DataType type, long width)
    {
        var shape = new TensorShapeProto();
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimParam = "batch" });
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = width });
        return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)type, Shape = shape } } };
    }
}
