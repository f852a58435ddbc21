using System.Runtime.InteropServices;
using Google.Protobuf;
using Onnx;

namespace InferencePipeline.Testing.Models;

/// <summary>
/// Small ONNX models for the converter's checks, written with the ONNX protobuf classes: models whose sequence
/// length or image size is open (the shapes of sentence encoders and detectors), a model whose weight lives in an
/// external-data file (with locations that stay in its folder or escape it), and a model stamped with a chosen IR
/// version and opset. Weights are fixed pseudo-random numbers, so outputs are reproducible.
/// </summary>
public static class OpenShapeModels
{
    /// <summary>Ids the encoder embeds: the load generator's and InputFactory's random integers stay below 1000.</summary>
    public const int Vocab = 1000;

    public const int Hidden = 8;

    /// <summary>
    /// A sentence-encoder shape: input_ids, attention_mask INT64 [batch, sequence] → hidden FP32 [batch, sequence, 8]
    /// (masked token embeddings) and pooled FP32 [batch, 8] (their sum over the sequence).
    /// </summary>
    public static void WriteSequenceEncoder(string path)
    {
        var graph = new GraphProto { Name = "sequence_encoder" };
        graph.Input.Add(Value("input_ids", TensorProto.Types.DataType.Int64, "batch", "sequence"));
        graph.Input.Add(Value("attention_mask", TensorProto.Types.DataType.Int64, "batch", "sequence"));
        graph.Initializer.Add(Floats("embedding", Weights(Vocab * Hidden, 1), Vocab, Hidden));
        graph.Initializer.Add(Longs("axis2", [2], 1));
        graph.Initializer.Add(Longs("axis1", [1], 1));
        graph.Node.Add(Node("Gather", ["embedding", "input_ids"], ["tokens"], Int("axis", 0)));
        graph.Node.Add(Node("Cast", ["attention_mask"], ["mask_float"], Int("to", (long)TensorProto.Types.DataType.Float)));
        graph.Node.Add(Node("Unsqueeze", ["mask_float", "axis2"], ["mask3"]));
        graph.Node.Add(Node("Mul", ["tokens", "mask3"], ["hidden"]));
        graph.Node.Add(Node("ReduceSum", ["hidden", "axis1"], ["pooled"], Int("keepdims", 0)));
        graph.Output.Add(Value("hidden", TensorProto.Types.DataType.Float, "batch", "sequence", Hidden));
        graph.Output.Add(Value("pooled", TensorProto.Types.DataType.Float, "batch", Hidden));
        Save(Model(graph, irVersion: 8, opset: 13), path);
    }

    /// <summary>A detector's input shape: image FP32 [batch, 3, height, width] → 3×3 conv, global average pool → logits FP32 [batch, 4].</summary>
    public static void WriteImageCnn(string path)
    {
        var graph = new GraphProto { Name = "image_cnn" };
        graph.Input.Add(Value("image", TensorProto.Types.DataType.Float, "batch", 3, "height", "width"));
        graph.Initializer.Add(Floats("conv_w", Weights(4 * 3 * 3 * 3, 2), 4, 3, 3, 3));
        graph.Initializer.Add(Floats("conv_b", Weights(4, 3), 4));
        graph.Node.Add(Node("Conv", ["image", "conv_w", "conv_b"], ["features"], Ints("pads", 1, 1, 1, 1)));
        graph.Node.Add(Node("GlobalAveragePool", ["features"], ["pooled"]));
        graph.Node.Add(Node("Flatten", ["pooled"], ["logits"], Int("axis", 1)));
        graph.Output.Add(Value("logits", TensorProto.Types.DataType.Float, "batch", 4));
        Save(Model(graph, irVersion: 8, opset: 13), path);
    }

    /// <summary>
    /// OUTPUT0 = INPUT0 + w, FP32 [batch, 16], with w's 16 floats in an external-data file at <paramref name="location"/>
    /// (relative to the model's folder, or wherever it points). Writes the data file only when
    /// <paramref name="writeData"/> and the location resolves from the model's folder.
    /// </summary>
    public static void WriteWithExternalData(string path, string location = "weights.bin", bool writeData = true)
    {
        var weights = Weights(16, 4);
        var graph = new GraphProto { Name = "external_add" };
        graph.Input.Add(Value("INPUT0", TensorProto.Types.DataType.Float, "batch", 16));
        var w = new TensorProto { Name = "w", DataType = (int)TensorProto.Types.DataType.Float, DataLocation = TensorProto.Types.DataLocation.External };
        w.Dims.Add(16);
        // A few bytes of padding first, so the offset entry matters.
        const int offset = 64;
        w.ExternalData.Add(new StringStringEntryProto { Key = "location", Value = location });
        w.ExternalData.Add(new StringStringEntryProto { Key = "offset", Value = offset.ToString() });
        w.ExternalData.Add(new StringStringEntryProto { Key = "length", Value = (weights.Length * sizeof(float)).ToString() });
        graph.Initializer.Add(w);
        graph.Node.Add(Node("Add", ["INPUT0", "w"], ["OUTPUT0"]));
        graph.Output.Add(Value("OUTPUT0", TensorProto.Types.DataType.Float, "batch", 16));
        Save(Model(graph, irVersion: 8, opset: 13), path);
        if (writeData)
        {
            var data = new byte[offset + weights.Length * sizeof(float)];
            MemoryMarshal.AsBytes(weights.AsSpan()).CopyTo(data.AsSpan(offset));
            string dataPath = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path))!, location));
            Directory.CreateDirectory(Path.GetDirectoryName(dataPath)!);
            File.WriteAllBytes(dataPath, data);
        }
    }

    /// <summary>The expected OUTPUT0 of <see cref="WriteWithExternalData"/> for an input of zeros: the weights themselves.</summary>
    public static float[] ExternalDataWeights => Weights(16, 4);

    /// <summary>OUTPUT0 = INPUT0 + 1, FP32 [batch, 16], stamped with the given IR version and default-domain opset.</summary>
    public static void WriteStamped(string path, long irVersion, long opset)
    {
        var graph = new GraphProto { Name = "stamped_add" };
        graph.Input.Add(Value("INPUT0", TensorProto.Types.DataType.Float, "batch", 16));
        graph.Initializer.Add(Floats("one", [1f], 1));
        graph.Node.Add(Node("Add", ["INPUT0", "one"], ["OUTPUT0"]));
        graph.Output.Add(Value("OUTPUT0", TensorProto.Types.DataType.Float, "batch", 16));
        Save(Model(graph, irVersion, opset), path);
    }

    private static ModelProto Model(GraphProto graph, long irVersion, long opset)
    {
        var model = new ModelProto { IrVersion = irVersion, ProducerName = "inferpipe-tests", Graph = graph };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = opset });
        return model;
    }

    private static void Save(ModelProto model, string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        File.WriteAllBytes(path, model.ToByteArray());
    }

    private static float[] Weights(int count, uint seed)
    {
        var values = new float[count];
        uint state = seed * 2654435761u + 1;
        for (int i = 0; i < count; i++)
        {
            state = state * 1664525u + 1013904223u;
            values[i] = (state >> 8) / (float)(1 << 24) - 0.5f;
        }

        return values;
    }

    private static TensorProto Floats(string name, float[] values, params long[] dims)
    {
        var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float };
        tensor.Dims.AddRange(dims);
        tensor.RawData = ByteString.CopyFrom(MemoryMarshal.AsBytes(values.AsSpan()));
        return tensor;
    }

    private static TensorProto Longs(string name, long[] values, params long[] dims)
    {
        var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Int64 };
        tensor.Dims.AddRange(dims);
        tensor.RawData = ByteString.CopyFrom(MemoryMarshal.AsBytes(values.AsSpan()));
        return tensor;
    }

    private static NodeProto Node(string op, string[] inputs, string[] outputs, params AttributeProto[] attributes)
    {
        var node = new NodeProto { OpType = op, Name = outputs[0] };
        node.Input.AddRange(inputs);
        node.Output.AddRange(outputs);
        node.Attribute.AddRange(attributes);
        return node;
    }

    private static AttributeProto Int(string name, long value) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    private static AttributeProto Ints(string name, params long[] values)
    {
        var attribute = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        attribute.Ints.AddRange(values);
        return attribute;
    }

    private static ValueInfoProto Value(string name, TensorProto.Types.DataType type, params object[] dims)
    {
        var shape = new TensorShapeProto();
        foreach (var dim in dims)
        {
            shape.Dim.Add(dim is string symbol
                ? new TensorShapeProto.Types.Dimension { DimParam = symbol }
                : new TensorShapeProto.Types.Dimension { DimValue = Convert.ToInt64(dim) });
        }

        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)type, Shape = shape } },
        };
    }
}
