using InferencePipeline.Contracts;

namespace InferencePipeline.Analyzer;

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

        _terms = list.Select(o => (MetricOf(o.Metric), HigherIsBetter(o.Metric), o.Weight / total)).ToArray();
    }

    /// <summary>The metrics an objective may name.</summary>
    public static IReadOnlyList<string> SupportedMetrics { get; } =
        [Objective.Throughput, Objective.LatencyP99, "perf_latency_p95", "perf_latency_p90", Objective.LatencyP50, "perf_latency_avg"];

    /// <summary>Positive when <paramref name="a"/> is better than <paramref name="b"/>, 0 when equal.</summary>
    public double Compare(LatencyStats a, LatencyStats b)
    {
        var score = 0.0;
        foreach (var (value, higherIsBetter, weight) in _terms)
        {
            double va = value(a), vb = value(b);
            var mean = (va + vb) / 2;
            if (mean == 0)
            {
                continue;
            }

            var gain = (va - vb) / mean;
            score += weight * (higherIsBetter ? gain : -gain);
        }

        return score;
    }

    private static Func<LatencyStats, double> MetricOf(string metric) => metric switch
    {
        Objective.Throughput => s => s.ThroughputPerSec,
        Objective.LatencyP99 => s => s.P99Ms,
        "perf_latency_p95" => s => s.P95Ms,
        "perf_latency_p90" => s => s.P90Ms,
        Objective.LatencyP50 => s => s.P50Ms,
        "perf_latency_avg" => s => s.AvgMs,
        _ => throw new ArgumentException($"Unknown objective metric '{metric}'; use one of {string.Join(", ", SupportedMetrics)}.", nameof(metric)),
    };

    private static bool HigherIsBetter(string metric) => metric == Objective.Throughput;
}
