using InferencePipeline.Contracts;
using InferencePipeline.Onnx;
using InferencePipeline.Onnx.Precision;
using Onnx;

namespace InferencePipeline.Precision.Tests;

public sealed class Fp16ConverterTests : IClassFixture<SyntheticBert>
{
    private const int Float = (int)TensorProto.Types.DataType.Float;
    private const int Float16 = (int)TensorProto.Types.DataType.Float16;
    private readonly SyntheticBert _bert;

    public Fp16ConverterTests(SyntheticBert bert) => _bert = bert;

    [Fact]
    public void Weights_become_fp16_while_the_interface_stays_as_it_was()
    {
        var model = _bert.Model;

        var result = Fp16Converter.Convert(model);
        var graph = result.Model.Graph;

        Assert.Equal(model.Graph.Input.Select(i => (i.Name, i.Type.TensorType.ElemType)), graph.Input.Select(i => (i.Name, i.Type.TensorType.ElemType)));
        Assert.Equal(model.Graph.Output.Select(o => (o.Name, o.Type.TensorType.ElemType)), graph.Output.Select(o => (o.Name, o.Type.TensorType.ElemType)));
        Assert.All(graph.Output, o => Assert.Equal("Cast", graph.Node.Single(n => n.Output.Contains(o.Name)).OpType));
        var matMulWeights = graph.Node.Where(n => n.OpType == "MatMul").Select(n => n.Input[1]).ToHashSet();
        Assert.All(graph.Initializer.Where(t => matMulWeights.Contains(t.Name)), t => Assert.Equal(Float16, t.DataType));
        Assert.True(result.HalfNodes > model.Graph.Node.Count / 2, result.ToString());
        Assert.True(OnnxModelPrecision.UsesFloat16(Save(result.Model, "fp16.onnx")));
    }

    [Fact]
    public void Blocked_ops_compute_in_fp32_between_casts()
    {
        var result = Fp16Converter.Convert(_bert.Model);
        var graph = result.Model.Graph;
        var producers = graph.Node.SelectMany(n => n.Output.Select(o => (o, n))).ToDictionary(p => p.o, p => p.n);
        var initializers = graph.Initializer.ToDictionary(t => t.Name);

        foreach (var node in graph.Node.Where(n => n.OpType is "Softmax" or "LayerNormalization"))
        {
            foreach (string input in node.Input)
            {
                bool fp32 = initializers.TryGetValue(input, out var t) ? t.DataType == Float : producers[input] is { OpType: "Cast" } cast && cast.Attribute[0].I == Float;
                Assert.True(fp32, $"{node.Name} input {input} is not fp32");
            }
        }

        var unblocked = Fp16Converter.Convert(_bert.Model, new Fp16ConversionOptions { BlockedOpTypes = new HashSet<string>() });
        Assert.True(unblocked.CastsAdded < result.CastsAdded);
        Assert.True(unblocked.HalfNodes > result.HalfNodes);
    }

    [Fact]
    public void The_fp16_model_runs_on_CPU_close_to_fp32()
    {
        string path = Save(Fp16Converter.Convert(_bert.Model).Model, "fp16-run.onnx");
        using var evaluator = new ReferenceAccuracyEvaluator(_bert.Path, _bert.Inputs);

        // The session factory opens fp16 models at ORT_ENABLE_EXTENDED: ALL can crash ONNX Runtime on them.
        var verdict = evaluator.Evaluate(path, OrtSettings.Default);

        Assert.True(verdict.Passed, verdict.ToString());
        Assert.True(verdict.MaxAbsDiff < 0.05, verdict.ToString());
    }

    [Fact]
    public void Blocked_nodes_by_name_and_custom_ops_stay_fp32()
    {
        var model = _bert.Model;
        string firstMatMul = model.Graph.Node.First(n => n.OpType == "MatMul").Name;

        var result = Fp16Converter.Convert(model, new Fp16ConversionOptions { BlockedNodes = new HashSet<string> { firstMatMul } });
        var node = result.Model.Graph.Node.Single(n => n.Name == firstMatMul);
        var weight = result.Model.Graph.Initializer.Single(t => t.Name == node.Input[1]);

        Assert.Equal(Float, weight.DataType);
        Assert.Contains(result.Model.Graph.Node, n => n.OpType == "Cast" && n.Input[0] == node.Output[0]); // its fp32 result cast for the fp16 Add after it

        var quantized = DynamicQuantizer.Quantize(model, new DynamicQuantizationOptions()).Model;
        var mixed = Fp16Converter.Convert(quantized);
        var dq = mixed.Model.Graph.Node.First(n => n.OpType == DynamicQuantizer.QuantizedOpType);
        Assert.Equal(Float, mixed.Model.Graph.Initializer.Single(t => t.Name == dq.Input[2]).DataType); // its scale stays fp32
    }

    [Fact]
    public void A_model_without_float_computation_is_refused()
    {
        var error = Assert.Throws<ModelTransformException>(() => Fp16Converter.Convert(TinyModels.IntegerAdd()));

        Assert.Contains("nothing to convert", error.Message);
    }

    private string Save(ModelProto model, string name)
    {
        string path = _bert.File(name);
        OnnxModelFile.Save(model, path);
        return path;
    }
}
