using InferencePipeline.Onnx;
using InferencePipeline.Onnx.Precision;

namespace InferencePipeline.Precision.Tests;

public sealed class ActivationSmoothingTests : IClassFixture<SyntheticBert>
{
    private readonly SyntheticBert _bert;

    public ActivationSmoothingTests(SyntheticBert bert) => _bert = bert;

    [Fact]
    public void Smoothing_changes_no_output_and_scales_each_shared_activation_once()
    {
        var model = _bert.Model;
        var ranges = ActivationSmoothing.MeasureActivations(model, _bert.Inputs);

        var smoothed = ActivationSmoothing.Apply(model, ranges, alpha: 0.7);
        string path = _bert.File("smoothed.onnx");
        OnnxModelFile.Save(smoothed, path);
        using var evaluator = new ReferenceAccuracyEvaluator(_bert.Path, _bert.Inputs);
        var verdict = evaluator.Evaluate(path);

        // Per layer: the attention input (shared by query, key and value), the attention output's, the two FFN inputs; plus the QA head's.
        Assert.Equal(2 * 4 + 1, ranges.Count);
        Assert.All(ranges.Values, r => Assert.Contains(r, v => v > 0));
        Assert.Equal(DynamicQuantizerTests.Count(model, "Mul") + ranges.Count, DynamicQuantizerTests.Count(smoothed, "Mul"));
        Assert.True(verdict.MaxAbsDiff < 1e-4, verdict.ToString()); // the same function, up to rounding
        var query = smoothed.Graph.Node.First(n => n.OpType == "MatMul");
        Assert.EndsWith("_smoothed", query.Input[0]);
    }

    [Fact]
    public void Alpha_outside_zero_to_one_is_rejected()
    {
        var ranges = new Dictionary<string, float[]>();

        Assert.Throws<ArgumentOutOfRangeException>(() => ActivationSmoothing.Apply(_bert.Model, ranges, alpha: 1.5));
    }

    [Fact]
    public void The_recipe_writes_nothing_when_no_quantization_passes_the_gate()
    {
        string output = _bert.File("never-int8.onnx");
        var impossible = new AccuracyCriteria { MinCosine = 1, MaxAbsDiff = 0 };

        var result = Int8Recipe.Run(_bert.Path, output, _bert.Inputs, impossible, new Int8RecipeOptions { MaxKeptFraction = 0.1 });

        Assert.False(result.Passed);
        Assert.False(File.Exists(output));
    }

    [Fact]
    public void The_recipe_refuses_a_model_it_cannot_quantize()
    {
        string add = _bert.File("add-only.onnx");
        DemoModels.WriteAdd(add);
        var inputs = new[] { InputFactory.CreateRaw(DemoModels.TrivialInputs, 1, 0) };

        var error = Assert.Throws<ModelTransformException>(() => Int8Recipe.Run(add, _bert.File("x.onnx"), inputs));

        Assert.Contains(add, error.Message);
        Assert.Contains("static quantization", error.Message);
    }
}
