using InferencePipeline.Contracts;

namespace InferencePipeline.Benchmarks;

/// <summary>One load-generator measurement as it appears in the result files.</summary>
/// <param name="Name">What was measured, e.g. "bert via server".</param>
/// <param name="BatchSize">Samples per request sent by the client.</param>
public sealed record Measurement(string Name, int Concurrency, int BatchSize, LatencyStats Stats);
