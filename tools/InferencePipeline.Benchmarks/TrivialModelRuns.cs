using InferencePipeline.Contracts;

namespace InferencePipeline.Benchmarks;

/// <summary>
/// The trivial model measured at concurrency 1 over the embedded server and in process: latency, and managed
/// bytes allocated per request. The latency-overhead and allocation figures both read these runs.
/// </summary>
public sealed record TrivialModelRuns(
    LatencyStats ServerLatency,
    LatencyStats OrtLatency,
    double ServerBytesPerRequest,
    double ClientBytesPerRequest);
