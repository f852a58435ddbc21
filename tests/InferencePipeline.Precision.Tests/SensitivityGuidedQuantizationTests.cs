using InferencePipeline.Onnx;
using InferencePipeline.Onnx.Precision;

namespace InferencePipeline.Precision.Tests;

public sealed class SensitivityGuidedQuantizationTests : IClassFixture<SyntheticBert>
{
    private readonly SyntheticBert _bert;

    public SensitivityGuidedQuantizationTests(SyntheticBert bert) => _bert = bert;

    [Fact]
    public void When_everything_quantized_passes_nothing_is_kept_and_one_evaluation_is_enough()
    {
        using var evaluator = new ReferenceAccuracyEvaluator(_bert.Path, _bert.Inputs);

        var result = new SensitivityGuidedQuantization(m => evaluator.Evaluate(m)).Run(_bert.Model);

        Assert.True(result.Passed, result.ToString());
        Assert.Equal(1, result.Evaluations);
        Assert.Empty(result.Sensitivities);
        Assert.Equal(12, result.Quantization.Quantized.Count);
    }

    [Fact]
    public void A_strict_gate_keeps_the_most_sensitive_nodes_in_fp32_until_it_passes()
    {
        using var probe = new ReferenceAccuracyEvaluator(_bert.Path, _bert.Inputs, Cosine(0.5));
        var all = probe.Evaluate(DynamicQuantizer.Quantize(_bert.Model, new DynamicQuantizationOptions()).Model);
        // A threshold between "everything quantized" and perfect, so some, not all, nodes must stay fp32.
        double threshold = 1 - (1 - all.Outputs.Min(o => o.Value)) / 4;
        using var evaluator = new ReferenceAccuracyEvaluator(_bert.Path, _bert.Inputs, Cosine(threshold));
        var lines = new List<string>();

        var result = new SensitivityGuidedQuantization(m => evaluator.Evaluate(m)) { Log = lines.Add }.Run(_bert.Model);

        Assert.True(result.Passed, string.Join(Environment.NewLine, lines));
        int kept = result.Quantization.KeptFp32.Count(k => k.Reason == "excluded");
        Assert.InRange(kept, 1, 6);
        Assert.Equal(12, result.Sensitivities.Count);
        Assert.Equal(result.Sensitivities.OrderByDescending(s => s.Loss).Select(s => s.Node.Name), result.Sensitivities.Select(s => s.Node.Name));
        Assert.Equal(result.Sensitivities.Take(kept).Select(s => s.Node.Name).Order(), result.Quantization.KeptFp32.Where(k => k.Reason == "excluded").Select(k => k.Node.Name).Order());
        Assert.Equal(1 + 12 + kept, result.Evaluations);
        Assert.Equal(result.Evaluations, lines.Count);
    }

    [Fact]
    public void An_unreachable_gate_ends_at_the_kept_limit_without_a_passing_recipe()
    {
        using var evaluator = new ReferenceAccuracyEvaluator(_bert.Path, _bert.Inputs, Cosine(1.0) with { MaxAbsDiff = 0 });

        var result = new SensitivityGuidedQuantization(m => evaluator.Evaluate(m)) { MaxKeptFraction = 0.25 }.Run(_bert.Model);

        Assert.False(result.Passed);
        Assert.Equal(3, result.Quantization.KeptFp32.Count(k => k.Reason == "excluded"));
        Assert.Contains("no passing recipe", result.ToString());
    }

    /// <summary>Judges the BERT's start/end logits by cosine instead of argmax, so a threshold can be set between measured values.</summary>
    private static AccuracyCriteria Cosine(double min) => new()
    {
        MinCosine = min,
        Metrics = new Dictionary<string, AccuracyMetric> { ["start"] = AccuracyMetric.Cosine, ["end"] = AccuracyMetric.Cosine },
    };
}
