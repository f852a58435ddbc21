namespace InferencePipeline.Onnx;

/// <summary>
/// One output judged: the metric the rule chose, its value over all compared vectors (mean for cosine), the worst
/// single vector's value (cosine only; otherwise the same as <see cref="Value"/>), the threshold, the largest
/// absolute difference and whether the output passed.
/// </summary>
public sealed record OutputAccuracy(string Output, AccuracyMetric Metric, double Value, double Worst, double Threshold, double MaxAbsDiff, bool Passed)
{
    public override string ToString() => Metric switch
    {
        AccuracyMetric.Cosine => $"{Output}: cosine {Value:F5} (worst {Worst:F5}) {(Passed ? ">=" : "<")} {Threshold}, max |diff| {MaxAbsDiff:G3}",
        AccuracyMetric.RelativeMaxAbsDiff => $"{Output}: relative max |diff| {Value:G3} {(Passed ? "<=" : ">")} {Threshold}",
        _ => $"{Output}: {(Metric == AccuracyMetric.ArgmaxAgreement ? "argmax" : "exact")} agreement {Value:P2} {(Passed ? ">=" : "<")} {Threshold:P0}, max |diff| {MaxAbsDiff:G3}",
    };
}
