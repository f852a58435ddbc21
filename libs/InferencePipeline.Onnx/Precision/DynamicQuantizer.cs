using Onnx;

namespace InferencePipeline.Onnx.Precision;

/// <summary>
/// int8 dynamic quantization on the ONNX graph: each MatMul/Gemm with a constant 2-D float weight becomes ONNX
/// Runtime's <c>com.microsoft.DynamicQuantizeMatMul</c> — weights stored as int8 with fp32 scales, activations
/// quantized to uint8 at run time — which the CPU execution provider runs on its int8 GEMM kernels (VNNI/AMX).
/// A bias Add that follows (or Gemm's C) is folded into the node's bias input. Nothing else changes, so
/// ONNX Runtime's own fusions still apply to the rest of the graph. The input model is not modified.
/// </summary>
public static class DynamicQuantizer
{
    public const string MicrosoftDomain = "com.microsoft";
    public const string QuantizedOpType = "DynamicQuantizeMatMul";

    /// <summary>Every node this quantizer could replace, in graph order (what <see cref="Quantize(ModelProto, DynamicQuantizationOptions)"/> chooses from).</summary>
    public static IReadOnlyList<WeightMatMul> FindCandidates(ModelProto model, DynamicQuantizationOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        options ??= new DynamicQuantizationOptions();
        var index = new GraphIndex(model.Graph ?? throw new ModelTransformException("the model has no graph"));
        return model.Graph.Node.Select(node => TryMatch(index, node, options)).OfType<Match>().Select(m => m.Node).ToList();
    }

    public static QuantizationResult Quantize(string inputPath, string outputPath, DynamicQuantizationOptions options)
    {
        var result = Quantize(OnnxModelFile.Load(inputPath), options);
        OnnxModelFile.Save(result.Model, outputPath);
        return result;
    }

    public static QuantizationResult Quantize(ModelProto model, DynamicQuantizationOptions options)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(options);
        if (model.Graph is null)
        {
            throw new ModelTransformException("the model has no graph: nothing to quantize");
        }

        var copy = model.Clone();
        var graph = copy.Graph;
        var index = new GraphIndex(graph);
        var matches = graph.Node.Select(node => TryMatch(index, node, options)).OfType<Match>().ToList();
        if (matches.Count == 0)
        {
            throw new ModelTransformException(
                "the model has no MatMul or Gemm with a constant 2-D float weight, so int8 dynamic quantization has nothing to " +
                "quantize; it applies to transformer and dense layers (convolutional models need static quantization instead)");
        }

        var unknown = options.Excluded.Except(matches.Select(m => m.Node.Name)).ToList();
        if (unknown.Count > 0)
        {
            throw new ArgumentException(
                $"nodes to keep in fp32 that are not weight MatMul/Gemm nodes of this model: {string.Join(", ", unknown)} " +
                $"(candidates: {string.Join(", ", matches.Take(8).Select(m => m.Node.Name))}{(matches.Count > 8 ? ", …" : "")})", nameof(options));
        }

        var quantized = new List<WeightMatMul>();
        var kept = new List<(WeightMatMul, string)>();
        var removed = new HashSet<NodeProto>();
        var newWeights = new List<TensorProto>();
        var replacements = new Dictionary<NodeProto, NodeProto>();
        foreach (var match in matches)
        {
            if (options.Excluded.Contains(match.Node.Name))
            {
                kept.Add((match.Node, "excluded"));
                continue;
            }

            if (match.Node.WeightElements < options.MinimumWeightElements)
            {
                kept.Add((match.Node, $"weight has {match.Node.WeightElements} elements, under {options.MinimumWeightElements}"));
                continue;
            }

            var q = Int8Weights.Quantize(match.Weight, match.Node.K, match.Node.N, options);
            string prefix = Unique(index, match.Node.Weight + "_int8");
            long[] paramDims = options.PerChannel ? [match.Node.N] : [];
            newWeights.Add(TensorData.Int8s(prefix, q.Values, match.Node.K, match.Node.N));
            newWeights.Add(TensorData.Floats(prefix + "_scale", q.Scales, paramDims));
            string zeroPoint = "";
            if (!options.Symmetric)
            {
                zeroPoint = prefix + "_zero_point";
                newWeights.Add(TensorData.Int8s(zeroPoint, q.ZeroPoints, paramDims));
            }

            string bias = "";
            if (match.Bias is { } b)
            {
                bias = prefix + "_bias";
                newWeights.Add(TensorData.Floats(bias, b, match.Node.N));
            }

            var node = new NodeProto
            {
                Name = match.Node.Name + "_quant",
                OpType = QuantizedOpType,
                Domain = MicrosoftDomain,
            };
            node.Input.AddRange([match.Original.Input[0], prefix, prefix + "_scale", zeroPoint, bias]);
            while (node.Input[^1].Length == 0)
            {
                node.Input.RemoveAt(node.Input.Count - 1);
            }

            node.Output.Add(match.FusedAdd?.Output[0] ?? match.Original.Output[0]);
            replacements[match.Original] = node;
            if (match.FusedAdd is not null)
            {
                removed.Add(match.FusedAdd);
            }

            quantized.Add(match.Node);
        }

        var nodes = graph.Node.Where(n => !removed.Contains(n)).Select(n => replacements.GetValueOrDefault(n, n)).ToList();
        graph.Node.Clear();
        graph.Node.AddRange(nodes);
        graph.Initializer.AddRange(newWeights);
        RemoveUnusedInitializers(graph);
        if (quantized.Count > 0 && !copy.OpsetImport.Any(o => o.Domain == MicrosoftDomain))
        {
            copy.OpsetImport.Add(new OperatorSetIdProto { Domain = MicrosoftDomain, Version = 1 });
        }

        return new QuantizationResult(copy, quantized, kept, options);
    }

    private sealed record Match(WeightMatMul Node, NodeProto Original, float[] Weight, float[]? Bias, NodeProto? FusedAdd);

    private static Match? TryMatch(GraphIndex index, NodeProto node, DynamicQuantizationOptions options)
    {
        if (node.Domain.Length > 0 || node.Input.Count < 2 || node.Output.Count != 1)
        {
            return null;
        }

        string name = node.Name.Length > 0 ? node.Name : node.Output[0];
        if (node.OpType == "MatMul")
        {
            var weight = index.Constant(node.Input[1]);
            if (weight is not { DataType: TensorData.Float } || weight.Dims.Count != 2 || index.Constant(node.Input[0]) is not null)
            {
                return null;
            }

            long k = weight.Dims[0], n = weight.Dims[1];
            var (bias, add) = options.FuseBias ? FollowingBias(index, node.Output[0], n) : (null, null);
            return new Match(new WeightMatMul(name, "MatMul", weight.Name, k, n, add is null ? null : BiasName(add, node.Output[0])),
                node, TensorData.ReadFloats(weight), bias, add);
        }

        if (node.OpType == "Gemm" && options.IncludeGemm)
        {
            var weight = index.Constant(node.Input[1]);
            if (weight is not { DataType: TensorData.Float } || weight.Dims.Count != 2
                || Attribute(node, "alpha", 1f) != 1f || Attribute(node, "beta", 1f) != 1f || Attribute(node, "transA", 0L) != 0)
            {
                return null;
            }

            bool transB = Attribute(node, "transB", 0L) != 0;
            long k = transB ? weight.Dims[1] : weight.Dims[0], n = transB ? weight.Dims[0] : weight.Dims[1];
            float[]? bias = null;
            if (node.Input.Count > 2 && node.Input[2].Length > 0)
            {
                var c = index.Constant(node.Input[2]);
                if (c is not { DataType: TensorData.Float } || TensorData.ElementCount(c) != n || c.Dims.Count > 2 || c.Dims.Count == 2 && c.Dims[0] != 1)
                {
                    return null; // a C that broadcasts over rows (or is computed) cannot become a per-column bias
                }

                bias = TensorData.ReadFloats(c);
            }

            float[] values = TensorData.ReadFloats(weight);
            if (transB)
            {
                values = Transpose(values, n, k);
            }

            return new Match(new WeightMatMul(name, "Gemm", weight.Name, k, n, bias is null ? null : node.Input[2]), node, values, bias, null);
        }

        return null;
    }

    /// <summary>The constant [N] bias of the only consumer of <paramref name="value"/>, when it is an Add.</summary>
    private static (float[]? Bias, NodeProto? Add) FollowingBias(GraphIndex index, string value, long n)
    {
        if (index.IsGraphOutput(value) || index.Consumers(value) is not [{ OpType: "Add", Domain: "" } add] || add.Input.Count != 2)
        {
            return (null, null);
        }

        var bias = index.Constant(BiasName(add, value));
        if (bias is not { DataType: TensorData.Float } || bias.Dims.Count != 1 || bias.Dims[0] != n)
        {
            return (null, null);
        }

        return (TensorData.ReadFloats(bias), add);
    }

    private static string BiasName(NodeProto add, string value) => add.Input[0] == value ? add.Input[1] : add.Input[0];

    private static float[] Transpose(float[] values, long rows, long columns)
    {
        var result = new float[values.Length];
        for (long r = 0; r < rows; r++)
        {
            for (long c = 0; c < columns; c++)
            {
                result[c * rows + r] = values[r * columns + c];
            }
        }

        return result;
    }

    private static float Attribute(NodeProto node, string name, float fallback) =>
        node.Attribute.FirstOrDefault(a => a.Name == name) is { } a ? a.F : fallback;

    private static long Attribute(NodeProto node, string name, long fallback) =>
        node.Attribute.FirstOrDefault(a => a.Name == name) is { } a ? a.I : fallback;

    private static string Unique(GraphIndex index, string hint)
    {
        string name = hint;
        for (int i = 1; index.Initializer(name) is not null || index.Producer(name) is not null; i++)
        {
            name = $"{hint}_{i}";
        }

        return name;
    }

    /// <summary>Drops initializers no node (or graph output) uses any more: the replaced fp32 weights and biases.</summary>
    private static void RemoveUnusedInitializers(GraphProto graph)
    {
        var used = graph.Node.SelectMany(n => n.Input.Concat(n.Attribute.Where(a => a.G is not null || a.Graphs.Count > 0)
                .SelectMany(a => (a.G is null ? a.Graphs : a.Graphs.Append(a.G)).SelectMany(SubgraphInputs)))).ToHashSet(StringComparer.Ordinal);
        used.UnionWith(graph.Output.Select(o => o.Name));
        var unused = graph.Initializer.Where(t => !used.Contains(t.Name)).ToList();
        foreach (var tensor in unused)
        {
            graph.Initializer.Remove(tensor);
        }

        var unusedNames = unused.Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var input in graph.Input.Where(i => unusedNames.Contains(i.Name)).ToList())
        {
            graph.Input.Remove(input);
        }
    }

    private static IEnumerable<string> SubgraphInputs(GraphProto graph) =>
        graph.Node.SelectMany(n => n.Input.Concat(n.Attribute.SelectMany(a => (a.G is null ? a.Graphs : a.Graphs.Append(a.G)).SelectMany(SubgraphInputs))));
}
