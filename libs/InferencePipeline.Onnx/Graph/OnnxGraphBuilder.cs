using System.Runtime.InteropServices;
using Google.Protobuf;
using Onnx;

namespace InferencePipeline.Onnx.Graph;

/// <summary>
/// Builds an ONNX graph node by node with generated, unique value names, so model-writing code reads like the
/// computation it describes (<c>var h = g.Add(g.MatMul(x, w), b)</c>) instead of protobuf plumbing.
/// </summary>
internal sealed class OnnxGraphBuilder
{
    private readonly GraphProto _graph;
    private readonly Dictionary<string, int> _counters = new(StringComparer.Ordinal);

    public OnnxGraphBuilder(string graphName)
    {
        _graph = new GraphProto { Name = graphName };
    }

    public void Input(string name, TensorProto.Types.DataType type, params object[] dims) =>
        _graph.Input.Add(ValueInfo(name, type, dims));

    public void Output(string name, TensorProto.Types.DataType type, params object[] dims) =>
        _graph.Output.Add(ValueInfo(name, type, dims));

    /// <summary>Adds a float initializer and returns its name.</summary>
    public string Initializer(string hint, float[] values, params long[] dims)
    {
        var tensor = new TensorProto { Name = Unique(hint), DataType = (int)TensorProto.Types.DataType.Float };
        tensor.Dims.AddRange(dims);
        tensor.RawData = ByteString.CopyFrom(MemoryMarshal.AsBytes(values.AsSpan()));
        _graph.Initializer.Add(tensor);
        return tensor.Name;
    }

    /// <summary>Adds an int64 initializer (shapes, axes, indices) and returns its name.</summary>
    public string Initializer(string hint, long[] values, params long[] dims)
    {
        var tensor = new TensorProto { Name = Unique(hint), DataType = (int)TensorProto.Types.DataType.Int64 };
        tensor.Dims.AddRange(dims);
        tensor.RawData = ByteString.CopyFrom(MemoryMarshal.AsBytes(values.AsSpan()));
        _graph.Initializer.Add(tensor);
        return tensor.Name;
    }

    /// <summary>Adds an fp16 initializer (values rounded to half precision) and returns its name.</summary>
    public string HalfInitializer(string hint, float[] values, params long[] dims)
    {
        var halves = values.Select(v => (Half)v).ToArray();
        var tensor = new TensorProto { Name = Unique(hint), DataType = (int)TensorProto.Types.DataType.Float16 };
        tensor.Dims.AddRange(dims);
        tensor.RawData = ByteString.CopyFrom(MemoryMarshal.AsBytes(halves.AsSpan()));
        _graph.Initializer.Add(tensor);
        return tensor.Name;
    }

    public string Scalar(string hint, float value) => Initializer(hint, [value]);

    /// <summary>Adds a node with one output and returns the output's name.</summary>
    public string Node(string opType, string[] inputs, params AttributeProto[] attributes) =>
        NodeMulti(opType, inputs, 1, attributes)[0];

    /// <summary>Adds a node with <paramref name="outputCount"/> outputs (or the given names) and returns them.</summary>
    public string[] NodeMulti(string opType, string[] inputs, int outputCount, AttributeProto[] attributes, string[]? outputNames = null)
    {
        var node = new NodeProto { OpType = opType, Name = Unique(opType) };
        node.Input.AddRange(inputs);
        var outputs = outputNames ?? Enumerable.Range(0, outputCount).Select(_ => Unique(opType.ToLowerInvariant())).ToArray();
        node.Output.AddRange(outputs);
        node.Attribute.AddRange(attributes);
        _graph.Node.Add(node);
        return outputs;
    }

    /// <summary>A node whose single output gets a fixed name (graph outputs).</summary>
    public string NodeNamed(string outputName, string opType, string[] inputs, params AttributeProto[] attributes) =>
        NodeMulti(opType, inputs, 1, attributes, [outputName])[0];

    public string MatMul(string a, string b) => Node("MatMul", [a, b]);

    public string Add(string a, string b) => Node("Add", [a, b]);

    public string Mul(string a, string b) => Node("Mul", [a, b]);

    public static AttributeProto Int(string name, long value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    public static AttributeProto Float(string name, float value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = value };

    public static AttributeProto Ints(string name, params long[] values)
    {
        var attribute = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        attribute.Ints.AddRange(values);
        return attribute;
    }

    /// <summary>A graph-valued attribute (a Loop's or If's body), built with a builder of its own.</summary>
    public static AttributeProto Graph(string name, OnnxGraphBuilder body) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Graph, G = body._graph };

    /// <summary>The finished model at <paramref name="opset"/> (default domain) with a fixed producer name.</summary>
    public ModelProto ToModel(long opset, string producerName, string producerVersion, long irVersion = 8)
    {
        var model = new ModelProto
        {
            IrVersion = irVersion,
            ProducerName = producerName,
            ProducerVersion = producerVersion,
            Graph = _graph,
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = opset });
        return model;
    }

    private string Unique(string hint)
    {
        int n = _counters.TryGetValue(hint, out int count) ? count : 0;
        _counters[hint] = n + 1;
        return n == 0 ? hint : $"{hint}_{n}";
    }

    private static ValueInfoProto ValueInfo(string name, TensorProto.Types.DataType type, object[] dims)
    {
        var shape = new TensorShapeProto();
        foreach (object dim in dims)
        {
            shape.Dim.Add(dim switch
            {
                string symbol => new TensorShapeProto.Types.Dimension { DimParam = symbol },
                int size => new TensorShapeProto.Types.Dimension { DimValue = size },
                long size => new TensorShapeProto.Types.Dimension { DimValue = size },
                _ => throw new ArgumentException($"dimension {dim} of '{name}' must be a symbol or a size"),
            });
        }

        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)type, Shape = shape } },
        };
    }
}
