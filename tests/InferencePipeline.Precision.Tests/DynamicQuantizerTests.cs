using System.Runtime.InteropServices;
using InferencePipeline.Onnx;
using InferencePipeline.Onnx.Precision;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Onnx;

namespace InferencePipeline.Precision.Tests;

public sealed class DynamicQuantizerTests : IClassFixture<SyntheticBert>
{
    private readonly SyntheticBert _bert;

    public DynamicQuantizerTests(SyntheticBert bert) => _bert = bert;

    [Fact]
    public void Each_weight_MatMul_becomes_DynamicQuantizeMatMul_with_its_bias_Add_folded_in()
    {
        var model = _bert.Model;
        var candidates = DynamicQuantizer.FindCandidates(model);

        var result = DynamicQuantizer.Quantize(model, new DynamicQuantizationOptions());

        // 2 layers × (Q, K, V, attention output, FFN in, FFN out) + the QA head, which is too small to quantize.
        Assert.Equal(13, candidates.Count);
        Assert.All(candidates, c => Assert.NotNull(c.Bias));
        Assert.Equal(12, result.Quantized.Count);
        Assert.Equal("qa_outputs_weight", Assert.Single(result.KeptFp32).Node.Weight);
        Assert.Equal(Count(model, "MatMul") - 12, Count(result.Model, "MatMul")); // attention's activation MatMuls stay
        Assert.Equal(12, Count(result.Model, DynamicQuantizer.QuantizedOpType));
        Assert.Equal(Count(model, "Add") - 12, Count(result.Model, "Add"));
        Assert.Contains(result.Model.OpsetImport, o => o.Domain == DynamicQuantizer.MicrosoftDomain);
        Assert.DoesNotContain(result.Model.Graph.Initializer, t => t.Name == candidates[0].Weight); // fp32 weight dropped
        Assert.Equal(model.Graph.Node.Count, _bert.Model.Graph.Node.Count); // the input model is untouched
    }

    [Fact]
    public void The_quantized_model_runs_on_the_CPU_execution_provider_close_to_fp32()
    {
        string path = _bert.File("int8.onnx");
        DynamicQuantizer.Quantize(_bert.Path, path, new DynamicQuantizationOptions());
        using var evaluator = new ReferenceAccuracyEvaluator(_bert.Path, _bert.Inputs);

        var verdict = evaluator.Evaluate(path);

        Assert.Equal([AccuracyMetric.ArgmaxAgreement, AccuracyMetric.ArgmaxAgreement], verdict.Outputs.Select(o => o.Metric));
        Assert.True(verdict.MaxAbsDiff is > 0 and < 0.1, verdict.ToString()); // int8 changes the numbers, a little
        Assert.True(verdict.Passed, verdict.ToString());
    }

    [Theory]
    [InlineData(true, true, false)]
    [InlineData(true, false, false)]
    [InlineData(false, true, false)]
    [InlineData(true, true, true)]
    public void Stored_int8_weights_dequantize_to_within_half_a_step_of_the_original(bool perChannel, bool symmetric, bool reduceRange)
    {
        var model = _bert.Model;
        var options = new DynamicQuantizationOptions { PerChannel = perChannel, Symmetric = symmetric, ReduceRange = reduceRange };
        var result = DynamicQuantizer.Quantize(model, options);
        var node = result.Model.Graph.Node.First(n => n.OpType == DynamicQuantizer.QuantizedOpType);
        var original = result.Quantized.First();
        float[] weight = Floats(model.Graph.Initializer.Single(t => t.Name == original.Weight));
        var q = Initializer(result.Model, node.Input[1]);
        float[] scales = Floats(Initializer(result.Model, node.Input[2]));
        sbyte[] zeroPoints = symmetric ? new sbyte[scales.Length] : Int8s(Initializer(result.Model, node.Input[3]));
        sbyte[] values = Int8s(q);

        Assert.Equal((int)TensorProto.Types.DataType.Int8, q.DataType);
        Assert.Equal([original.K, original.N], q.Dims);
        Assert.Equal(perChannel ? (int)original.N : 1, scales.Length);
        Assert.Equal(5, node.Input.Count); // A, B, scale, zero point ("" when symmetric: ORT then takes 0), bias
        Assert.Equal(symmetric, node.Input[3].Length == 0);
        for (int i = 0; i < weight.Length; i++)
        {
            int g = perChannel ? i % (int)original.N : 0;
            float restored = (values[i] - zeroPoints[g]) * scales[g];
            Assert.True(Math.Abs(restored - weight[i]) <= scales[g] / 2 + 1e-6, $"weight {i}: {weight[i]} restored as {restored}");
            Assert.InRange(values[i], reduceRange ? -64 : -128, reduceRange ? 63 : 127);
        }
    }

    [Fact]
    public void Excluded_nodes_stay_fp32_and_unknown_names_are_rejected()
    {
        var model = _bert.Model;
        var candidates = DynamicQuantizer.FindCandidates(model);
        var keep = candidates.Take(3).Select(c => c.Name).ToList();

        var result = DynamicQuantizer.Quantize(model, new DynamicQuantizationOptions().Excluding(keep));

        Assert.Equal(keep, result.KeptFp32.Where(k => k.Reason == "excluded").Select(k => k.Node.Name));
        Assert.Equal(9, result.Quantized.Count);
        Assert.All(keep, name => Assert.Contains(result.Model.Graph.Node, n => n.Name == name && n.OpType == "MatMul"));

        var error = Assert.Throws<ArgumentException>(() => DynamicQuantizer.Quantize(model, new DynamicQuantizationOptions().Excluding(["no_such_node"])));
        Assert.Contains("no_such_node", error.Message);
        Assert.Contains(candidates[0].Name, error.Message);
    }

    [Fact]
    public void Unfused_bias_keeps_the_Add_and_gives_the_same_outputs()
    {
        var fused = DynamicQuantizer.Quantize(_bert.Model, new DynamicQuantizationOptions());
        var unfused = DynamicQuantizer.Quantize(_bert.Model, new DynamicQuantizationOptions { FuseBias = false });
        using var evaluator = new ReferenceAccuracyEvaluator(_bert.Path, _bert.Inputs);

        Assert.Equal(Count(_bert.Model, "Add"), Count(unfused.Model, "Add"));
        Assert.All(unfused.Model.Graph.Node.Where(n => n.OpType == DynamicQuantizer.QuantizedOpType), n => Assert.Equal(3, n.Input.Count));
        var a = evaluator.RunAll(WriteTo(fused.Model, "fused.onnx"), InferencePipeline.Contracts.OrtSettings.Default).Outputs;
        var b = evaluator.RunAll(WriteTo(unfused.Model, "unfused.onnx"), InferencePipeline.Contracts.OrtSettings.Default).Outputs;
        Assert.True(OutputComparer.MaxAbsDiff(a[0], b[0]) < 1e-4);
    }

    [Fact]
    public void Gemm_with_a_transposed_weight_is_quantized_with_its_bias()
    {
        var model = TinyModels.GemmRelu();
        string fp32 = WriteTo(model, "gemm.onnx");
        var result = DynamicQuantizer.Quantize(model, new DynamicQuantizationOptions());
        string int8 = WriteTo(result.Model, "gemm-int8.onnx");

        var node = Assert.Single(result.Quantized);
        Assert.Equal(("Gemm", 64L, 96L, "C"), (node.OpType, node.K, node.N, node.Bias));
        Assert.Equal(0, Count(result.Model, "Gemm"));
        float[] expected = Run(fp32), actual = Run(int8);
        Assert.True(OutputComparer.MaxAbsDiff(expected, actual) < 0.05, $"max |diff| {OutputComparer.MaxAbsDiff(expected, actual)}");
        Assert.True(OutputComparer.Cosine(expected, actual, TinyModels.Units).Mean > 0.999);
    }

    [Fact]
    public void A_model_without_weight_MatMuls_is_refused_with_the_reason()
    {
        string path = _bert.File("add.onnx");
        DemoModels.WriteAdd(path);

        var error = Assert.Throws<ModelTransformException>(() => DynamicQuantizer.Quantize(path, _bert.File("never.onnx"), new DynamicQuantizationOptions()));

        Assert.Contains("no MatMul or Gemm with a constant 2-D float weight", error.Message);
        Assert.False(File.Exists(_bert.File("never.onnx")));
    }

    [Fact]
    public void Corrupt_and_truncated_model_files_are_refused_naming_the_file()
    {
        string garbage = _bert.File("garbage.onnx");
        File.WriteAllBytes(garbage, [0xFF, 0xFF, 0xFF, 0x07, 0x01]);
        string truncated = _bert.File("truncated.onnx");
        File.WriteAllBytes(truncated, File.ReadAllBytes(_bert.Path)[..5000]);

        foreach (string path in new[] { garbage, truncated, _bert.File("missing.onnx") })
        {
            var error = Assert.Throws<InvalidModelException>(() => DynamicQuantizer.Quantize(path, _bert.File("out.onnx"), new DynamicQuantizationOptions()));
            Assert.Contains(path, error.Message);
        }
    }

    internal static int Count(ModelProto model, string opType) => model.Graph.Node.Count(n => n.OpType == opType);

    private string WriteTo(ModelProto model, string name)
    {
        string path = _bert.File(name);
        OnnxModelFile.Save(model, path);
        return path;
    }

    private static float[] Run(string path)
    {
        using var session = new InferenceSession(path);
        var input = new DenseTensor<float>(TinyModels.Input(3), [3, TinyModels.Features]);
        using var results = session.Run([NamedOnnxValue.CreateFromTensor("X", input)]);
        return results.Single().AsTensor<float>().ToArray();
    }

    private static TensorProto Initializer(ModelProto model, string name) => model.Graph.Initializer.Single(t => t.Name == name);

    private static float[] Floats(TensorProto tensor) => MemoryMarshal.Cast<byte, float>(tensor.RawData.Span).ToArray();

    private static sbyte[] Int8s(TensorProto tensor) => MemoryMarshal.Cast<byte, sbyte>(tensor.RawData.Span).ToArray();
}
