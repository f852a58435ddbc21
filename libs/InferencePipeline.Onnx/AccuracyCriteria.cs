namespace InferencePipeline.Onnx;

/// <summary>
/// When a transformed model (int8, fp16, other settings) counts as accurate enough against the fp32 reference on
/// the same inputs, and which metric fits each output. The rule, in order:
/// <list type="number">
/// <item>an explicit <see cref="Metrics"/> entry for the output's name;</item>
/// <item>integer or boolean outputs: <see cref="AccuracyMetric.ExactAgreement"/> ≥ <see cref="MinAgreement"/>;</item>
/// <item>outputs named as span positions — <c>start</c>, <c>end</c>, or containing <c>start_logits</c>,
///   <c>end_logits</c>, <c>start_scores</c>, <c>end_scores</c> — : <see cref="AccuracyMetric.ArgmaxAgreement"/>
///   ≥ <see cref="MinAgreement"/> (what matters is the position chosen, not the logit);</item>
/// <item>float outputs whose last axis has 2 or more elements (embeddings, hidden states, class logits):
///   mean <see cref="AccuracyMetric.Cosine"/> ≥ <see cref="MinCosine"/>;</item>
/// <item>other float outputs (one value per sample, scalars): <see cref="AccuracyMetric.RelativeMaxAbsDiff"/>
///   ≤ <see cref="MaxRelativeDiff"/>.</item>
/// </list>
/// <see cref="MaxAbsDiff"/>, when set, is checked on every output as well.
/// </summary>
public sealed record AccuracyCriteria
{
    public static AccuracyCriteria Default { get; } = new();

    public double MinCosine { get; init; } = 0.995;

    public double MinAgreement { get; init; } = 0.99;

    public double MaxRelativeDiff { get; init; } = 0.01;

    /// <summary>An absolute bound on every output's largest difference; null (default) does not gate on it.</summary>
    public double? MaxAbsDiff { get; init; }

    /// <summary>Metric per output name, overriding the rule.</summary>
    public IReadOnlyDictionary<string, AccuracyMetric> Metrics { get; init; } = new Dictionary<string, AccuracyMetric>(StringComparer.Ordinal);

    private static readonly string[] SpanMarkers = ["start_logits", "end_logits", "start_scores", "end_scores"];

    public AccuracyMetric MetricFor(string outputName, int lastDimension, bool isFloatingPoint)
    {
        if (Metrics.TryGetValue(outputName, out var chosen))
        {
            return chosen;
        }

        if (!isFloatingPoint)
        {
            return AccuracyMetric.ExactAgreement;
        }

        string name = outputName.ToLowerInvariant();
        if (name is "start" or "end" || SpanMarkers.Any(name.Contains))
        {
            return AccuracyMetric.ArgmaxAgreement;
        }

        return lastDimension >= 2 ? AccuracyMetric.Cosine : AccuracyMetric.RelativeMaxAbsDiff;
    }

    public double Threshold(AccuracyMetric metric) => metric switch
    {
        AccuracyMetric.Cosine => MinCosine,
        AccuracyMetric.ArgmaxAgreement or AccuracyMetric.ExactAgreement => MinAgreement,
        _ => MaxRelativeDiff,
    };

    public void Validate()
    {
        if (MinCosine is < -1 or > 1 || double.IsNaN(MinCosine))
        {
            throw new ArgumentOutOfRangeException(nameof(MinCosine), MinCosine, "a cosine threshold must be within [-1, 1] (0.995 is the default)");
        }

        if (MinAgreement is < 0 or > 1 || double.IsNaN(MinAgreement))
        {
            throw new ArgumentOutOfRangeException(nameof(MinAgreement), MinAgreement, "an agreement threshold is a share within [0, 1] (0.99 is the default)");
        }

        if (MaxRelativeDiff < 0 || double.IsNaN(MaxRelativeDiff) || MaxAbsDiff is < 0 || MaxAbsDiff is double.NaN)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxAbsDiff), "difference tolerances must be 0 or more");
        }
    }
}
