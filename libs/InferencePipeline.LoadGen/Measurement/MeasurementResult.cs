using InferencePipeline.Contracts;

namespace InferencePipeline.LoadGen;

/// <summary>
/// The outcome of one load level: <see cref="Stats"/> merged from the last windows the stability
/// rule compared, plus every window and the failures seen (failures below the error threshold do not
/// fail a measurement, but they are reported).
/// </summary>
/// <param name="Concurrency">Closed loop: the concurrency measured. Request-rate mode: the cap on outstanding requests.</param>
public sealed record MeasurementResult(int Concurrency, LatencyStats Stats, IReadOnlyList<WindowResult> Windows, long ErrorCount)
{
    /// <summary>Request-rate mode: the rate asked for (requests per second); null in concurrency mode.</summary>
    public double? RequestRate { get; init; }

    /// <summary>Request-rate mode: requests sent later than their schedule (the outstanding cap was full or the
    /// sender fell behind), counted after warm-up. perf_analyzer warns about these as "delayed requests".</summary>
    public long DelayedRequestCount { get; init; }

    /// <summary>Server queue and compute times per request over the same windows as <see cref="Stats"/>, when the
    /// target reports server statistics (a KServe v2 server with ModelStatistics); null otherwise.</summary>
    public ServerSideStats? ServerStats { get; init; }
}
