namespace InferencePipeline.LoadGen;

/// <summary>Which latency the stability rule compares between windows (perf_analyzer: avg unless --percentile).</summary>
public enum StabilityLatencyMetric
{
    Avg,
    P99,
}
