namespace InferencePipeline.Onnx;

/// <summary>The accuracy gate's answer for one candidate: every output judged; it passes when all of them do.</summary>
public sealed record AccuracyVerdict(IReadOnlyList<OutputAccuracy> Outputs)
{
    public bool Passed => Outputs.All(o => o.Passed);

    public double MaxAbsDiff => Outputs.Count == 0 ? 0 : Outputs.Max(o => o.MaxAbsDiff);

    /// <summary>The metrics used, e.g. <c>cosine</c> or <c>argmax+cosine</c> (a CSV column).</summary>
    public string MetricNames => string.Join("+", Outputs.Select(o => o.Metric switch
    {
        AccuracyMetric.Cosine => "cosine",
        AccuracyMetric.ArgmaxAgreement => "argmax",
        AccuracyMetric.ExactAgreement => "exact",
        _ => "relative-diff",
    }).Distinct());

    /// <summary>The first failing output, or all outputs when every one passed: the CSV's note.</summary>
    public override string ToString() =>
        Passed ? string.Join("; ", Outputs) : "accuracy gate failed: " + string.Join("; ", Outputs.Where(o => !o.Passed));
}
