using InferencePipeline.Contracts;

namespace InferencePipeline.Analyzer;

/// <summary>Model Analyzer's constraint rule: a measurement is a candidate only if it breaks no constraint.</summary>
public static class ConstraintCheck
{
    public static bool Satisfies(LatencyStats stats, PipelineConstraints constraints) =>
        (constraints.MaxLatencyP99Ms is not { } budget || stats.P99Ms <= budget) &&
        (constraints.MinThroughput is not { } floor || stats.ThroughputPerSec >= floor);

    /// <summary>The constraints in words, for reports and failure messages.</summary>
    public static string Describe(PipelineConstraints constraints)
    {
        var parts = new List<string>(2);
        if (constraints.MaxLatencyP99Ms is { } budget)
        {
            parts.Add($"p99 <= {budget:0.###} ms");
        }

        if (constraints.MinThroughput is { } floor)
        {
            parts.Add($"throughput >= {floor:0.#} infer/s");
        }

        return parts.Count == 0 ? "no constraints" : string.Join(", ", parts);
    }
}
