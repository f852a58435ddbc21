namespace InferencePipeline.Contracts;

/// <summary>
/// One weighted objective, as Model Analyzer's <c>objectives</c>: metric is <c>perf_throughput</c>
/// (higher is better) or <c>perf_latency_p99</c> / <c>perf_latency_p50</c> (lower is better).
/// </summary>
public sealed record Objective(string Metric, double Weight)
{
    public const string Throughput = "perf_throughput";
    public const string LatencyP99 = "perf_latency_p99";
    public const string LatencyP50 = "perf_latency_p50";

    public static IReadOnlyList<Objective> Default { get; } = [new(Throughput, 1)];
}
