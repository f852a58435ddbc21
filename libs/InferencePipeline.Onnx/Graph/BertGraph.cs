using Onnx;
using static InferencePipeline.Onnx.Graph.OnnxGraphBuilder;

namespace InferencePipeline.Onnx.Graph;

/// <summary>
/// A BERT-for-question-answering graph with the seed's interface (bert-base-cased-squad converted by OLive):
/// inputs <c>input_names</c>, <c>input_mask</c>, <c>segment_ids</c> int64 [batch, seq]; outputs <c>start</c> and
/// <c>end</c> float [batch, seq]. Written with the standard op patterns exporters produce (embedding Gathers,
/// LayerNormalization, Q/K/V MatMul + Add, scaled dot-product attention with an additive mask, Erf GELU), so
/// ONNX Runtime's optimizer finds the same fusions it finds in real BERT exports and tuning has real effects.
/// </summary>
internal static class BertGraph
{
    public const long Opset = 17; // LayerNormalization is in the default domain from 17; ORT 1.31 runs it
    private const float InitStd = 0.05f;
    private const float LayerNormEpsilon = 1e-12f;

    public static ModelProto Build(BertShape shape, ulong seed)
    {
        shape.Validate();
        var rng = new DeterministicRandom(seed);
        var g = new OnnxGraphBuilder("demo_bert");
        int s = shape.SequenceLength, h = shape.Hidden, headSize = h / shape.Heads;

        g.Input("input_names", TensorProto.Types.DataType.Int64, "batch", s);
        g.Input("input_mask", TensorProto.Types.DataType.Int64, "batch", s);
        g.Input("segment_ids", TensorProto.Types.DataType.Int64, "batch", s);

        // Embeddings: token + segment + position, then LayerNorm.
        string wordEmb = g.Initializer("word_embeddings", Normal(rng, shape.Vocab * h), shape.Vocab, h);
        string segEmb = g.Initializer("segment_embeddings", Normal(rng, 2 * h), 2, h);
        string posEmb = g.Initializer("position_embeddings", Normal(rng, s * h), s, h);
        string positions = g.Initializer("position_ids", Enumerable.Range(0, s).Select(i => (long)i).ToArray(), s);

        string tokens = g.Node("Gather", [wordEmb, "input_names"], Int("axis", 0));
        string segments = g.Node("Gather", [segEmb, "segment_ids"], Int("axis", 0));
        string positional = g.Node("Gather", [posEmb, positions], Int("axis", 0));
        string x = LayerNorm(g, rng, g.Add(g.Add(tokens, segments), positional), h, "embeddings_ln");

        // Additive mask [batch, 1, 1, seq]: 0 where input_mask is 1, -10000 where it is 0.
        string maskFloat = g.Node("Cast", ["input_mask"], Int("to", (long)TensorProto.Types.DataType.Float));
        string inverted = g.Node("Sub", [g.Scalar("one", 1f), maskFloat]);
        string additive = g.Mul(inverted, g.Scalar("mask_value", -10000f));
        string mask = g.Node("Unsqueeze", [additive, g.Initializer("mask_axes", [1L, 2L], 2)]);

        string splitHeads = g.Initializer("split_heads_shape", [0L, 0L, shape.Heads, headSize], 4);
        string mergeHeads = g.Initializer("merge_heads_shape", [0L, 0L, h], 3);
        string scale = g.Scalar("attention_scale", 1f / MathF.Sqrt(headSize));
        string sqrt2 = g.Scalar("sqrt2", MathF.Sqrt(2f));
        string half = g.Scalar("half", 0.5f);
        string one = g.Scalar("gelu_one", 1f);

        for (int layer = 0; layer < shape.Layers; layer++)
        {
            string p = $"layer{layer}";
            string q = Dense(g, rng, x, h, h, $"{p}_query");
            string k = Dense(g, rng, x, h, h, $"{p}_key");
            string v = Dense(g, rng, x, h, h, $"{p}_value");

            string qh = g.Node("Transpose", [g.Node("Reshape", [q, splitHeads])], Ints("perm", 0, 2, 1, 3));
            string kh = g.Node("Transpose", [g.Node("Reshape", [k, splitHeads])], Ints("perm", 0, 2, 3, 1));
            string vh = g.Node("Transpose", [g.Node("Reshape", [v, splitHeads])], Ints("perm", 0, 2, 1, 3));

            string scores = g.Add(g.Mul(g.MatMul(qh, kh), scale), mask);
            string probs = g.Node("Softmax", [scores], Int("axis", -1));
            string context = g.MatMul(probs, vh);
            string merged = g.Node("Reshape", [g.Node("Transpose", [context], Ints("perm", 0, 2, 1, 3)), mergeHeads]);

            string attention = Dense(g, rng, merged, h, h, $"{p}_attention_output");
            x = LayerNorm(g, rng, g.Add(x, attention), h, $"{p}_attention_ln");

            // Feed-forward with exact GELU: 0.5 * a * (1 + erf(a / sqrt(2))).
            string a = Dense(g, rng, x, h, shape.Intermediate, $"{p}_intermediate");
            string erf = g.Node("Erf", [g.Node("Div", [a, sqrt2])]);
            string gelu = g.Mul(g.Mul(a, half), g.Add(erf, one));
            string ffOut = Dense(g, rng, gelu, shape.Intermediate, h, $"{p}_output");
            x = LayerNorm(g, rng, g.Add(x, ffOut), h, $"{p}_output_ln");
        }

        // QA head: 2 logits per token, split into start and end.
        string logits = Dense(g, rng, x, h, 2, "qa_outputs");
        var parts = g.NodeMulti("Split", [logits, g.Initializer("qa_split", [1L, 1L], 2)], 2, [Int("axis", 2)]);
        string squeezeAxes = g.Initializer("qa_squeeze_axes", [2L], 1);
        g.NodeNamed("start", "Squeeze", [parts[0], squeezeAxes]);
        g.NodeNamed("end", "Squeeze", [parts[1], squeezeAxes]);

        g.Output("start", TensorProto.Types.DataType.Float, "batch", s);
        g.Output("end", TensorProto.Types.DataType.Float, "batch", s);
        return g.ToModel(Opset, DemoModels.ProducerName, DemoModels.ProducerVersion);
    }

    private static string Dense(OnnxGraphBuilder g, DeterministicRandom rng, string input, int inSize, int outSize, string name)
    {
        string weight = g.Initializer($"{name}_weight", Normal(rng, inSize * outSize), inSize, outSize);
        string bias = g.Initializer($"{name}_bias", Normal(rng, outSize), outSize);
        return g.Add(g.MatMul(input, weight), bias);
    }

    private static string LayerNorm(OnnxGraphBuilder g, DeterministicRandom rng, string input, int size, string name)
    {
        string gamma = g.Initializer($"{name}_gamma", Enumerable.Range(0, size).Select(_ => 1f + rng.NextNormal(InitStd)).ToArray(), size);
        string beta = g.Initializer($"{name}_beta", Normal(rng, size), size);
        return g.Node("LayerNormalization", [input, gamma, beta], Int("axis", -1), Float("epsilon", LayerNormEpsilon));
    }

    private static float[] Normal(DeterministicRandom rng, int count)
    {
        var values = new float[count];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = rng.NextNormal(InitStd);
        }

        return values;
    }
}
