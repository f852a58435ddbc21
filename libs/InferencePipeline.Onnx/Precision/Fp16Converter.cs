using Onnx;

namespace InferencePipeline.Onnx.Precision;

/// <summary>
/// Converts a model to compute in fp16 — for CUDA and TensorRT, where fp16 runs on tensor cores — keeping its
/// interface: fp32 graph inputs are cast to fp16 where they enter, fp16 results are cast back to fp32 under the
/// original output names, and blocked ops (<see cref="Fp16ConversionOptions"/>) compute in fp32 between Casts.
/// Float initializers and Constants used by fp16 nodes are stored in fp16 (half the size); Casts to float inside
/// the graph cast to fp16 instead. Non-float values (ids, shapes, masks) are untouched.
/// <para>On CPU this is rarely faster (few fp16 kernels; ONNX Runtime casts around the rest), and an fp16 model at
/// ORT_ENABLE_ALL crashes ONNX Runtime's CPU session: open converted models at ORT_ENABLE_EXTENDED or in a child process.</para>
/// </summary>
public static class Fp16Converter
{
    private const int Float = TensorData.Float;
    private const int Float16 = TensorData.Float16;

    /// <summary>Inputs that must stay fp32 whatever the node computes in (ONNX types them as float only).</summary>
    private static readonly HashSet<(string Op, int Input)> Fp32OnlyInputs = [("Resize", 2), ("Upsample", 1)];

    public static Fp16ConversionResult Convert(string inputPath, string outputPath, Fp16ConversionOptions? options = null)
    {
        var result = Convert(OnnxModelFile.Load(inputPath), options);
        OnnxModelFile.Save(result.Model, outputPath);
        return result;
    }

    public static Fp16ConversionResult Convert(ModelProto model, Fp16ConversionOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        options ??= new Fp16ConversionOptions();
        if (model.Graph is null)
        {
            throw new ModelTransformException("the model has no graph: nothing to convert");
        }

        var copy = model.Clone();
        var graph = copy.Graph;
        if (graph.Node.Any(n => n.Attribute.Any(a => a.G is not null || a.Graphs.Count > 0)))
        {
            throw new ModelTransformException(
                "the model has control flow (If/Loop/Scan subgraphs), which fp16 conversion does not handle; keep it fp32 or convert it with the exporter");
        }

        var original = ElementTypes.Infer(graph);
        if (!original.Values.Contains(Float))
        {
            throw new ModelTransformException("the model computes nothing in fp32, so there is nothing to convert to fp16");
        }

        var index = new GraphIndex(graph);
        var initializers = graph.Initializer.ToDictionary(t => t.Name, StringComparer.Ordinal);
        bool IsHalfNode(NodeProto node) =>
            !(options.BlockedOpTypes.Contains(node.OpType) || options.BlockedNodes.Contains(NodeName(node))
              || node.Domain.Length > 0 && node.Domain != "ai.onnx" && !options.AllowedCustomOpTypes.Contains(node.OpType));

        // The type every value has after conversion: float outputs of fp16 nodes become fp16.
        var converted = new Dictionary<string, int>(original, StringComparer.Ordinal);
        int halfNodes = 0;
        foreach (var node in graph.Node)
        {
            if (!IsHalfNode(node))
            {
                continue;
            }

            halfNodes++;
            for (int i = 0; i < node.Output.Count; i++)
            {
                bool stash = node.OpType == "LayerNormalization" && i > 0;
                if (!stash && original.GetValueOrDefault(node.Output[i]) == Float)
                {
                    converted[node.Output[i]] = Float16;
                }
            }
        }

        // Float initializers used only by fp16 nodes are stored in fp16; shared ones get an fp16 copy.
        var halfCopies = new Dictionary<string, string>(StringComparer.Ordinal);
        var stillFp32 = new HashSet<string>(StringComparer.Ordinal);
        foreach (var tensor in initializers.Values.Where(t => t.DataType == Float).ToList())
        {
            var uses = index.Consumers(tensor.Name).Select(n => (Node: n, Half: IsHalfNode(n) && !Fp32OnlyInputs.Contains((n.OpType, IndexOf(n, tensor.Name))))).ToList();
            if (uses.Count > 0 && uses.All(u => u.Half) && !index.IsGraphOutput(tensor.Name))
            {
                Replace(graph, tensor, TensorData.Halves(tensor.Name, TensorData.ReadFloats(tensor), tensor.Dims.ToArray()));
                converted[tensor.Name] = Float16;
            }
            else if (uses.Any(u => u.Half))
            {
                string name = Unique(index, converted, tensor.Name + "_fp16");
                graph.Initializer.Add(TensorData.Halves(name, TensorData.ReadFloats(tensor), tensor.Dims.ToArray()));
                converted[name] = Float16;
                halfCopies[tensor.Name] = name;
            }
        }

        var nodes = new List<NodeProto>(graph.Node.Count + 16);
        var casts = new Dictionary<(string Value, int To), string>();
        string CastOf(string value, int to)
        {
            if (halfCopies.TryGetValue(value, out var copyName) && to == Float16)
            {
                return copyName;
            }

            if (!casts.TryGetValue((value, to), out var name))
            {
                name = Unique(index, converted, $"{value}_to_{(to == Float16 ? "fp16" : "fp32")}");
                var cast = new NodeProto { Name = name, OpType = "Cast" };
                cast.Input.Add(value);
                cast.Output.Add(name);
                cast.Attribute.Add(new AttributeProto { Name = "to", Type = AttributeProto.Types.AttributeType.Int, I = to });
                nodes.Add(cast);
                converted[name] = to;
                casts[(value, to)] = name;
            }

            return name;
        }

        foreach (var node in graph.Node)
        {
            bool half = IsHalfNode(node);
            for (int i = 0; i < node.Input.Count; i++)
            {
                string input = node.Input[i];
                int type = converted.GetValueOrDefault(input);
                bool wantsHalf = half && !Fp32OnlyInputs.Contains((node.OpType, i));
                if (type == Float && wantsHalf && original.GetValueOrDefault(input) == Float)
                {
                    node.Input[i] = CastOf(input, Float16);
                }
                else if (type == Float16 && !wantsHalf)
                {
                    node.Input[i] = CastOf(input, Float);
                }
            }

            if (half)
            {
                ConvertAttributes(node);
            }

            nodes.Add(node);
        }

        // Graph outputs keep their names and fp32 type: the fp16 value is renamed and cast back.
        foreach (var output in graph.Output)
        {
            if (converted.GetValueOrDefault(output.Name) != Float16)
            {
                continue;
            }

            string renamed = Unique(index, converted, output.Name + "_fp16");
            foreach (var node in nodes)
            {
                for (int i = 0; i < node.Output.Count; i++)
                {
                    node.Output[i] = node.Output[i] == output.Name ? renamed : node.Output[i];
                }

                for (int i = 0; i < node.Input.Count; i++)
                {
                    node.Input[i] = node.Input[i] == output.Name ? renamed : node.Input[i];
                }
            }

            converted[renamed] = Float16;
            var back = new NodeProto { Name = output.Name + "_to_fp32", OpType = "Cast" };
            back.Input.Add(renamed);
            back.Output.Add(output.Name);
            back.Attribute.Add(new AttributeProto { Name = "to", Type = AttributeProto.Types.AttributeType.Int, I = Float });
            nodes.Add(back);
        }

        graph.Node.Clear();
        graph.Node.AddRange(TopologicalOrder(nodes, graph));
        foreach (var info in graph.ValueInfo)
        {
            if (info.Type?.TensorType is { } tensor && converted.TryGetValue(info.Name, out int type))
            {
                tensor.ElemType = type;
            }
        }

        return new Fp16ConversionResult(copy, halfNodes, graph.Node.Count(n => n.OpType == "Cast") - model.Graph.Node.Count(n => n.OpType == "Cast"), options);
    }

    private static void ConvertAttributes(NodeProto node)
    {
        foreach (var attribute in node.Attribute)
        {
            if (node.OpType == "Cast" && attribute.Name == "to" && attribute.I == Float)
            {
                attribute.I = Float16;
            }
            else if (attribute.T is { DataType: Float } tensor)
            {
                attribute.T = TensorData.Halves(tensor.Name, TensorData.ReadFloats(tensor), tensor.Dims.ToArray());
            }
            else if (node.OpType == "Constant" && attribute.Name is "value_float" or "value_floats")
            {
                float[] values = attribute.Name == "value_float" ? [attribute.F] : attribute.Floats.ToArray();
                long[] dims = attribute.Name == "value_float" ? [] : [values.Length];
                attribute.Name = "value";
                attribute.Type = AttributeProto.Types.AttributeType.Tensor;
                attribute.F = 0;
                attribute.Floats.Clear();
                attribute.T = TensorData.Halves("", values, dims);
            }
        }

        if (node.OpType == "ConstantOfShape" && node.Attribute.All(a => a.Name != "value"))
        {
            node.Attribute.Add(new AttributeProto { Name = "value", Type = AttributeProto.Types.AttributeType.Tensor, T = TensorData.Halves("", [0f], 1) });
        }
    }

    /// <summary>Casts are appended where first needed; this puts every node after the producers of its inputs.</summary>
    private static List<NodeProto> TopologicalOrder(List<NodeProto> nodes, GraphProto graph)
    {
        var available = graph.Input.Select(i => i.Name).Concat(graph.Initializer.Select(t => t.Name)).Append("").ToHashSet(StringComparer.Ordinal);
        var ordered = new List<NodeProto>(nodes.Count);
        var pending = new List<NodeProto>(nodes);
        while (pending.Count > 0)
        {
            int before = ordered.Count;
            var next = new List<NodeProto>();
            foreach (var node in pending)
            {
                if (node.Input.All(available.Contains))
                {
                    ordered.Add(node);
                    available.UnionWith(node.Output);
                }
                else
                {
                    next.Add(node);
                }
            }

            if (ordered.Count == before)
            {
                throw new ModelTransformException(
                    $"fp16 conversion left inputs without producers ({string.Join(", ", next.SelectMany(n => n.Input).Where(i => !available.Contains(i)).Distinct().Take(5))}): the graph is not a valid ONNX graph");
            }

            pending = next;
        }

        return ordered;
    }

    private static int IndexOf(NodeProto node, string input)
    {
        for (int i = 0; i < node.Input.Count; i++)
        {
            if (node.Input[i] == input)
            {
                return i;
            }
        }

        return -1;
    }

    private static void Replace(GraphProto graph, TensorProto old, TensorProto replacement)
    {
        int at = graph.Initializer.IndexOf(old);
        graph.Initializer[at] = replacement;
    }

    private static string NodeName(NodeProto node) => node.Name.Length > 0 ? node.Name : node.Output.FirstOrDefault() ?? "";

    private static string Unique(GraphIndex index, Dictionary<string, int> types, string hint)
    {
        string name = hint;
        for (int i = 1; types.ContainsKey(name) || index.Producer(name) is not null || index.Initializer(name) is not null; i++)
        {
            name = $"{hint}_{i}";
        }

        return name;
    }
}
