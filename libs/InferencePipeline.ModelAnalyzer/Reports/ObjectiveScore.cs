using InferencePipeline.Contracts;

namespace InferencePipeline.ModelAnalyzer.Reports;

/// <summary>
/// Model Analyzer's way of ranking two measurements under weighted objectives: weights are normalised to
/// sum to 1, and for each metric the gain of <c>a</c> over <c>b</c> is taken relative to their mean
/// ((a - b) / mean(a, b), sign flipped for latencies where lower is better). The weighted sum is positive
/// when <c>a</c> is better. Relative gains make throughput (hundreds/s) and latency (ms) comparable
/// without knowing their scales in advance.
/// </summary>
public sealed class ObjectiveScore
{
    private readonly (Func<LatencyStats, double> Value, bool HigherIsBetter, double Weight)[] _terms;

    public ObjectiveScore(IReadOnlyList<Objective> objectives)
    {
        var list = objectives.Count == 0 ? Objective.Default : objectives;
        var total = list.Sum(o => o.Weight);
        if (list.Any(o => o.Weight < 0) || total <= 0)
        {
            throw new ArgumentException($"Objective weights must be non-negative and not all zero (got {string.Join(", ", list.Select(o => $"{o.Metric}={o.Weight}"))}).", nameof(objectives));
        }

        _terms = list.Select(o => Metrics.Find(o.Metric) is { FromStats: { } value } metric
                ? (value, metric.HigherIsBetter, o.Weight / total)
                : throw new ArgumentException($"Unknown objective metric '{o.Metric}'; use one of {string.Join(", ", SupportedMetrics)}.", nameof(objectives)))
            .ToArray();
        Objectives = list;
    }

    public static ObjectiveScore Default { get; } = new(Objective.Default);

    public IReadOnlyList<Objective> Objectives { get; }

    /// <summary>The metrics an objective may name.</summary>
    public static IReadOnlyList<string> SupportedMetrics => ModelAnalyzer.Metrics.StatTags;

    /// <summary>Positive when <paramref name="a"/> is better than <paramref name="b"/>, 0 when equal.</summary>
    public double Compare(LatencyStats a, LatencyStats b) => Score(a, b, (va, vb) => (va + vb) / 2);

    /// <summary>
    /// How much better <paramref name="a"/> is than <paramref name="b"/>, relative to <paramref name="b"/>: with the
    /// throughput objective, (a - b) / b. The concurrency sweep stops when this falls under 5%.
    /// </summary>
    public double GainOver(LatencyStats a, LatencyStats b) => Score(a, b, (_, vb) => vb);

    private double Score(LatencyStats a, LatencyStats b, Func<double, double, double> reference)
    {
        var score = 0.0;
        foreach (var (value, higherIsBetter, weight) in _terms)
        {
            double va = value(a), vb = value(b);
            var basis = reference(va, vb);
            if (basis == 0)
            {
                continue;
            }

            var gain = (va - vb) / basis;
            score += weight * (higherIsBetter ? gain : -gain);
        }

        return score;
    }
}
