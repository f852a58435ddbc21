namespace InferencePipeline.Contracts;

/// <summary>One (config, concurrency) measurement: the unit the profiler checkpoints and the analyzer ranks.</summary>
/// <param name="BatchSize">Samples per request the client sent (perf_analyzer's <c>-b</c>).</param>
/// <param name="Server">Where a request's time went inside the server; null when the server does not report it.</param>
/// <param name="RequestRate">Request-rate sweeps: the rate measured (requests/s); null for concurrency sweeps.</param>
public sealed record ProfileMeasurement(
    ProfiledConfig Config,
    int Concurrency,
    LatencyStats Stats,
    int BatchSize = 1,
    ServerLatency? Server = null,
    double? RequestRate = null);
