using InferencePipeline.Onnx;

namespace InferencePipeline.Precision.Tests;

public sealed class AccuracyGateTests
{
    [Theory]
    [InlineData("start", 256, true, AccuracyMetric.ArgmaxAgreement)]
    [InlineData("end", 256, true, AccuracyMetric.ArgmaxAgreement)]
    [InlineData("span_start_logits", 384, true, AccuracyMetric.ArgmaxAgreement)]
    [InlineData("924", 384, true, AccuracyMetric.Cosine)]
    [InlineData("last_hidden_state", 384, true, AccuracyMetric.Cosine)]
    [InlineData("logits", 2, true, AccuracyMetric.Cosine)]
    [InlineData("score", 1, true, AccuracyMetric.RelativeMaxAbsDiff)]
    [InlineData("labels", 10, false, AccuracyMetric.ExactAgreement)]
    public void The_metric_follows_the_output(string name, int lastDimension, bool isFloat, AccuracyMetric expected) =>
        Assert.Equal(expected, AccuracyCriteria.Default.MetricFor(name, lastDimension, isFloat));

    [Fact]
    public void An_explicit_metric_overrides_the_rule()
    {
        var criteria = new AccuracyCriteria { Metrics = new Dictionary<string, AccuracyMetric> { ["start"] = AccuracyMetric.Cosine } };

        Assert.Equal(AccuracyMetric.Cosine, criteria.MetricFor("start", 256, true));
    }

    [Fact]
    public void Cosine_is_per_vector_along_the_last_axis()
    {
        float[] expected = [1, 0, 0, 1];
        float[] actual = [1, 0, 1, 1];

        var cosine = OutputComparer.Cosine(expected, actual, 2);

        Assert.Equal(2, cosine.Vectors);
        Assert.Equal(1 / Math.Sqrt(2), cosine.Worst, 9);
        Assert.Equal((1 + 1 / Math.Sqrt(2)) / 2, cosine.Mean, 9);
        Assert.Equal(-1, OutputComparer.Cosine([float.NaN, 1], [1, 1], 2).Worst);
        Assert.Equal(1, OutputComparer.Cosine([0, 0], [0, 0], 2).Mean);
        Assert.Throws<ArgumentException>(() => OutputComparer.Cosine([1, 2, 3], [1, 2, 3], 2));
    }

    [Fact]
    public void A_candidate_passes_only_when_every_output_does_and_the_failure_names_the_output()
    {
        var layouts = new Dictionary<string, OutputLayout> { ["embedding"] = new(4, true), ["start"] = new(4, true) };
        var reference = Run([1, 2, 3, 4], [0, 5, 1, 0]);
        var close = Run([1.01f, 2, 3, 4], [0, 5, 4.9f, 0]);
        var wrongSpan = Run([1, 2, 3, 4], [0, 5, 5.1f, 0]);
        var wrongDirection = Run([4, 3, 2, 1], [0, 5, 1, 0]);

        var passed = AccuracyGate.Evaluate([reference], [close], layouts);
        var spanFailed = AccuracyGate.Evaluate([reference], [wrongSpan], layouts);
        var cosineFailed = AccuracyGate.Evaluate([reference], [wrongDirection], layouts);

        Assert.True(passed.Passed, passed.ToString());
        Assert.Equal("cosine+argmax", passed.MetricNames);
        Assert.Equal(3.9, passed.MaxAbsDiff, 5);
        Assert.False(spanFailed.Passed);
        Assert.Contains("start: argmax agreement 0.00 %", spanFailed.ToString());
        Assert.False(cosineFailed.Passed);
        Assert.StartsWith("accuracy gate failed: embedding: cosine", cosineFailed.ToString());
        Assert.False(AccuracyGate.Evaluate([reference], [close], layouts, new AccuracyCriteria { MaxAbsDiff = 1 }).Passed);
    }

    [Fact]
    public void Masked_positions_are_left_out_of_per_position_outputs()
    {
        var layouts = new Dictionary<string, OutputLayout> { ["hidden"] = new(2, true, FollowsSequenceMask: true) };
        var reference = new Dictionary<string, float[]> { ["hidden"] = [1, 0, 0, 1, 5, 5] };
        var candidate = new Dictionary<string, float[]> { ["hidden"] = [1, 0, 0, 1, -5, 9] }; // the padded third position differs

        var masked = AccuracyGate.Evaluate([reference], [candidate], layouts, sequenceMasks: [[true, true, false]]);
        var unmasked = AccuracyGate.Evaluate([reference], [candidate], layouts);

        Assert.True(masked.Passed, masked.ToString());
        Assert.Equal(0, masked.MaxAbsDiff);
        Assert.False(unmasked.Passed);
    }

    [Fact]
    public void Mismatched_runs_and_bad_thresholds_are_errors()
    {
        var layouts = new Dictionary<string, OutputLayout> { ["y"] = new(2, true) };
        var run = new Dictionary<string, float[]> { ["y"] = [1, 2] };

        Assert.Throws<ArgumentException>(() => AccuracyGate.Evaluate([run], [], layouts));
        Assert.Throws<ArgumentException>(() => AccuracyGate.Evaluate([run], [new Dictionary<string, float[]>()], layouts));
        Assert.Throws<ArgumentOutOfRangeException>(() => AccuracyGate.Evaluate([run], [run], layouts, new AccuracyCriteria { MinCosine = 2 }));
    }

    private static IReadOnlyDictionary<string, float[]> Run(float[] embedding, float[] start) =>
        new Dictionary<string, float[]> { ["embedding"] = embedding, ["start"] = start };
}
