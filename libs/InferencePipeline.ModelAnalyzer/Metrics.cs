using InferencePipeline.Contracts;

namespace InferencePipeline.ModelAnalyzer;

/// <summary>
/// One metric as Model Analyzer names it: its tag (used in constraints, objectives and output fields), its CSV
/// column title, whether higher is better, and how to read it from a measurement (null when the measurement has
/// no data for it, e.g. server times from a server that does not report them).
/// </summary>
public sealed record MetricDefinition(string Tag, string Header, bool HigherIsBetter, Func<ProfileMeasurement, double?> Value)
{
    /// <summary>The value from the client's statistics alone; null for metrics that need more (server times).</summary>
    public Func<LatencyStats, double>? FromStats { get; init; }

    /// <summary>Whether the metric is a latency, which only grows with load (a violated bound stays violated further up).</summary>
    public bool IsLatency => !HigherIsBetter && FromStats is not null;
}

/// <summary>The one table of metrics the profiler measures, by Model Analyzer's tags and column titles.</summary>
public static class Metrics
{
    public const string Throughput = "perf_throughput";
    public const string LatencyP99 = "perf_latency_p99";

    public static IReadOnlyList<MetricDefinition> All { get; } =
    [
        Stat(Throughput, "Throughput (infer/sec)", higherIsBetter: true, s => s.ThroughputPerSec),
        Stat(LatencyP99, "p99 Latency (ms)", higherIsBetter: false, s => s.P99Ms),
        Stat("perf_latency_p95", "p95 Latency (ms)", higherIsBetter: false, s => s.P95Ms),
        Stat("perf_latency_p90", "p90 Latency (ms)", higherIsBetter: false, s => s.P90Ms),
        Stat("perf_latency_p50", "p50 Latency (ms)", higherIsBetter: false, s => s.P50Ms),
        Stat("perf_latency_avg", "Avg Latency (ms)", higherIsBetter: false, s => s.AvgMs),
        // Model Analyzer's older name for the p99 latency.
        Stat("perf_latency", "p99 Latency (ms)", higherIsBetter: false, s => s.P99Ms),
        new("perf_server_queue", "Server Queue time (ms)", false, m => m.Server?.QueueMs),
        new("perf_server_compute_input", "Server Compute Input time (ms)", false, m => m.Server?.ComputeInputMs),
        new("perf_server_compute_infer", "Server Compute Infer time (ms)", false, m => m.Server?.ComputeInferMs),
        new("perf_server_compute_output", "Server Compute Output time (ms)", false, m => m.Server?.ComputeOutputMs),
    ];

    /// <summary>Model Analyzer metrics this profiler cannot measure (GPU and host counters, client phases).</summary>
    public static IReadOnlySet<string> Unmeasured { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "gpu_used_memory", "gpu_free_memory", "gpu_total_memory", "gpu_utilization", "gpu_power_usage",
        "cpu_used_ram", "cpu_available_ram", "perf_client_send_recv", "perf_client_response_wait",
    };

    public static MetricDefinition? Find(string tag) => All.FirstOrDefault(m => m.Tag == tag);

    /// <summary>The metrics a constraint or objective may name (those read from the client's statistics).</summary>
    public static IReadOnlyList<string> StatTags { get; } = All.Where(m => m.FromStats is not null).Select(m => m.Tag).ToList();

    private static MetricDefinition Stat(string tag, string header, bool higherIsBetter, Func<LatencyStats, double> value) =>
        new(tag, header, higherIsBetter, m => value(m.Stats)) { FromStats = value };
}
