namespace InferencePipeline.Contracts;

/// <summary>One ORT tuner measurement: settings tried, throughput and latency in process, or why it failed.</summary>
public sealed record OrtTrial(OrtSettings Settings, double ThroughputPerSec, double LatencyP50Ms, double LatencyP99Ms, string? Error = null);
