using System.Globalization;
using InferencePipeline.Contracts;

namespace InferencePipeline.ModelAnalyzer.Config;

/// <summary>One Model Analyzer constraint: a metric with a lower and/or an upper bound.</summary>
public sealed record MetricConstraint(string Metric, double? Min, double? Max);

/// <summary>
/// Model Analyzer's constraints rule: a measurement is a candidate only if it breaks none of them. Built from the
/// YAML (<c>constraints</c>, <c>latency_budget</c>, <c>min_throughput</c>) or from a pipeline's
/// <see cref="PipelineConstraints"/>.
/// </summary>
public sealed class ConstraintSet
{
    public ConstraintSet(IReadOnlyList<MetricConstraint> constraints)
    {
        foreach (var c in constraints)
        {
            if (Metrics.Find(c.Metric)?.FromStats is null)
            {
                throw new ArgumentException(
                    $"Unknown constraint metric '{c.Metric}'; use one of {string.Join(", ", Metrics.StatTags)}.", nameof(constraints));
            }
        }

        Constraints = constraints;
    }

    public static ConstraintSet None { get; } = new([]);

    public IReadOnlyList<MetricConstraint> Constraints { get; }

    public static ConstraintSet From(PipelineConstraints? constraints)
    {
        var list = new List<MetricConstraint>(2);
        if (constraints?.MaxLatencyP99Ms is { } budget)
        {
            list.Add(new MetricConstraint(Metrics.LatencyP99, null, budget));
        }

        if (constraints?.MinThroughput is { } floor)
        {
            list.Add(new MetricConstraint(Metrics.Throughput, floor, null));
        }

        return new ConstraintSet(list);
    }

    /// <summary>These constraints plus <paramref name="more"/>; a metric bounded twice keeps the tighter bound of each side.</summary>
    public ConstraintSet With(IEnumerable<MetricConstraint> more)
    {
        var merged = new List<MetricConstraint>(Constraints);
        foreach (var c in more)
        {
            var i = merged.FindIndex(m => m.Metric == c.Metric);
            if (i < 0)
            {
                merged.Add(c);
                continue;
            }

            var old = merged[i];
            merged[i] = new MetricConstraint(c.Metric,
                old.Min is null ? c.Min : c.Min is null ? old.Min : Math.Max(old.Min.Value, c.Min.Value),
                old.Max is null ? c.Max : c.Max is null ? old.Max : Math.Min(old.Max.Value, c.Max.Value));
        }

        return new ConstraintSet(merged);
    }

    public bool Satisfies(LatencyStats stats) => Constraints.All(c => Holds(c, stats));

    /// <summary>
    /// Whether a latency bound is broken: more load only raises latency, so a concurrency sweep stops here and
    /// searches back towards the last load that held.
    /// </summary>
    public bool BreaksLatencyBound(LatencyStats stats) =>
        Constraints.Any(c => Metrics.Find(c.Metric)!.IsLatency && c.Max is not null && !Holds(c, stats));

    public bool HasLatencyBound => Constraints.Any(c => Metrics.Find(c.Metric)!.IsLatency && c.Max is not null);

    /// <summary>The constraints in words, for reports and failure messages ("p99 &lt;= 20 ms, throughput &gt;= 100 infer/s").</summary>
    public string Describe()
    {
        if (Constraints.Count == 0)
        {
            return "no constraints";
        }

        var parts = new List<string>();
        foreach (var c in Constraints)
        {
            var (name, unit) = c.Metric == Metrics.Throughput ? ("throughput", " infer/s") : (Short(c.Metric), " ms");
            if (c.Min is { } min)
            {
                parts.Add($"{name} >= {F(min, c.Metric == Metrics.Throughput ? "0.#" : "0.###")}{unit}");
            }

            if (c.Max is { } max)
            {
                parts.Add($"{name} <= {F(max, c.Metric == Metrics.Throughput ? "0.#" : "0.###")}{unit}");
            }
        }

        return string.Join(", ", parts);
    }

    private static bool Holds(MetricConstraint c, LatencyStats stats)
    {
        var value = Metrics.Find(c.Metric)!.FromStats!(stats);
        return (c.Min is not { } min || value >= min) && (c.Max is not { } max || value <= max);
    }

    private static string Short(string metric) => metric switch
    {
        "perf_latency_p99" or "perf_latency" => "p99",
        "perf_latency_p95" => "p95",
        "perf_latency_p90" => "p90",
        "perf_latency_p50" => "p50",
        "perf_latency_avg" => "average latency",
        _ => metric,
    };

    private static string F(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);
}
