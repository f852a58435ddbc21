using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Onnx;

namespace InferencePipeline.Onnx.Precision;

/// <summary>
/// Moves activation outliers into the weights before int8 dynamic quantization: for a weight MatMul
/// <c>Y = A · W</c>, with per-input-channel factors s, <c>Y = (A / s) · (s · W)</c> is the same product, but
/// A / s has flatter channels (dynamic quantization uses one scale for all of A, so a few large channels cost every
/// other channel its precision) while s · W stays well within per-channel weight quantization's reach.
/// s_j = max|A_j|^α / max|W_j|^(1−α), with max|A_j| measured on calibration inputs. A <c>Mul</c> by 1/s is inserted on
/// A (shared by all the MatMuls reading the same A, e.g. query, key and value); rows of W are scaled by s.
/// </summary>
public static class ActivationSmoothing
{
    /// <summary>
    /// Per-channel largest |value| of the activation (A) input of every weight MatMul, over the calibration inputs,
    /// keyed by the activation's value name. Runs the model with those values exposed as extra outputs.
    /// </summary>
    public static IReadOnlyDictionary<string, float[]> MeasureActivations(ModelProto model, IReadOnlyList<IReadOnlyList<RawInputTensor>> inputs)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(inputs);
        var index = new GraphIndex(model.Graph);
        var activations = DynamicQuantizer.FindCandidates(model, new DynamicQuantizationOptions { FuseBias = false })
            .Select(c => ActivationOf(index, c)).Distinct().ToList();
        var probe = model.Clone();
        foreach (string name in activations.Where(a => !index.IsGraphOutput(a)))
        {
            probe.Graph.Output.Add(new ValueInfoProto
            {
                Name = name,
                Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = TensorData.Float } },
            });
        }

        using var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_DISABLE_ALL, LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR };
        using var session = new InferenceSession(probe.ToByteArray(), options);
        var ranges = new Dictionary<string, float[]>(StringComparer.Ordinal);
        foreach (var set in inputs)
        {
            using var results = session.Run(set.Select(t => t.ToNamedOnnxValue()).ToList(), activations);
            foreach (var result in results)
            {
                var tensor = result.AsTensor<float>();
                int channels = tensor.Dimensions[^1];
                var range = ranges.TryGetValue(result.Name, out var r) ? r : ranges[result.Name] = new float[channels];
                int i = 0;
                foreach (float value in tensor)
                {
                    range[i] = Math.Max(range[i], Math.Abs(value));
                    i = i + 1 == channels ? 0 : i + 1;
                }
            }
        }

        return ranges;
    }

    /// <summary>The smoothed model (same outputs in exact arithmetic); <paramref name="alpha"/> shifts difficulty from activations (1) to weights (0).</summary>
    public static ModelProto Apply(ModelProto model, IReadOnlyDictionary<string, float[]> activationRanges, double alpha = 0.5)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentOutOfRangeException.ThrowIfLessThan(alpha, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(alpha, 1);
        var copy = model.Clone();
        var graph = copy.Graph;
        var index = new GraphIndex(graph);
        var candidates = DynamicQuantizer.FindCandidates(copy, new DynamicQuantizationOptions { FuseBias = false });
        var nodes = graph.Node.ToDictionary(n => n.Name.Length > 0 ? n.Name : n.Output[0], StringComparer.Ordinal);
        foreach (var group in candidates.Where(c => c.OpType == "MatMul").GroupBy(c => ActivationOf(index, c)))
        {
            if (!activationRanges.TryGetValue(group.Key, out var range))
            {
                continue;
            }

            var weights = group.Select(c => (Candidate: c, Values: TensorData.ReadFloats(index.Constant(nodes[c.Name].Input[1])!))).ToList();
            int k = (int)group.First().K;
            if (range.Length != k || weights.Any(w => w.Candidate.K != k))
            {
                continue;
            }

            var factors = new float[k];
            for (int j = 0; j < k; j++)
            {
                float weightMax = 0;
                foreach (var (candidate, values) in weights)
                {
                    for (long col = 0; col < candidate.N; col++)
                    {
                        weightMax = Math.Max(weightMax, Math.Abs(values[j * candidate.N + col]));
                    }
                }

                double s = Math.Pow(Math.Max(range[j], 1e-5), alpha) / Math.Pow(Math.Max(weightMax, 1e-5), 1 - alpha);
                factors[j] = (float)Math.Clamp(s, 1e-3, 1e3);
            }

            string smoothed = Unique(index, group.Key + "_smoothed");
            string inverse = smoothed + "_inverse_scale";
            graph.Initializer.Add(TensorData.Floats(inverse, factors.Select(f => 1f / f).ToArray(), k));
            var mul = new NodeProto { Name = smoothed, OpType = "Mul" };
            mul.Input.AddRange([group.Key, inverse]);
            mul.Output.Add(smoothed);
            graph.Node.Insert(graph.Node.IndexOf(nodes[group.First().Name]), mul);
            foreach (var (candidate, values) in weights)
            {
                var node = nodes[candidate.Name];
                var scaled = (float[])values.Clone();
                for (int j = 0; j < k; j++)
                {
                    for (long col = 0; col < candidate.N; col++)
                    {
                        scaled[j * candidate.N + col] *= factors[j];
                    }
                }

                string weightName = Unique(index, candidate.Weight + "_smoothed");
                graph.Initializer.Add(TensorData.Floats(weightName, scaled, candidate.K, candidate.N));
                node.Input[0] = smoothed;
                node.Input[1] = weightName;
            }
        }

        return TopologicallySorted(copy);
    }

    private static string ActivationOf(GraphIndex index, WeightMatMul candidate) =>
        index.Graph.Node.First(n => (n.Name.Length > 0 ? n.Name : n.Output[0]) == candidate.Name).Input[0];

    private static string Unique(GraphIndex index, string hint)
    {
        string name = hint;
        for (int i = 1; index.Initializer(name) is not null || index.Producer(name) is not null; i++)
        {
            name = $"{hint}_{i}";
        }

        return name;
    }

    /// <summary>The Mul is inserted before the first of its MatMuls; a later MatMul of the group may come before A's producer in odd graphs, so sort.</summary>
    private static ModelProto TopologicallySorted(ModelProto model)
    {
        var graph = model.Graph;
        var available = graph.Input.Select(i => i.Name).Concat(graph.Initializer.Select(t => t.Name)).Append("").ToHashSet(StringComparer.Ordinal);
        var pending = graph.Node.ToList();
        var ordered = new List<NodeProto>(pending.Count);
        while (pending.Count > 0)
        {
            var ready = pending.Where(n => n.Input.All(available.Contains)).ToList();
            if (ready.Count == 0)
            {
                throw new ModelTransformException("activation smoothing produced a graph with a cycle; the model's node order is not valid ONNX");
            }

            foreach (var node in ready)
            {
                ordered.Add(node);
                available.UnionWith(node.Output);
            }

            pending = pending.Except(ready).ToList();
        }

        graph.Node.Clear();
        graph.Node.AddRange(ordered);
        return model;
    }
}
