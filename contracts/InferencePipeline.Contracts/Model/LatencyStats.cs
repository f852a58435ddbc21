namespace InferencePipeline.Contracts;

/// <summary>One stable measurement window set, as perf_analyzer reports it (latencies in milliseconds).</summary>
public sealed record LatencyStats(
    double ThroughputPerSec,
    double AvgMs,
    double P50Ms,
    double P90Ms,
    double P95Ms,
    double P99Ms,
    long RequestCount,
    bool Stable);
