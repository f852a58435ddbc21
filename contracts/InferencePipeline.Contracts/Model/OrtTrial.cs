namespace InferencePipeline.Contracts;

/// <summary>
/// One ORT tuner measurement: settings tried, throughput and latency in process, or why it failed.
/// <see cref="MaxAbsDiff"/> is how far its outputs were from the default session's on the same input
/// (null when not compared); a trial over the tuner's tolerance is rejected and says so in <see cref="Error"/>.
/// </summary>
public sealed record OrtTrial(
    OrtSettings Settings,
    double ThroughputPerSec,
    double LatencyP50Ms,
    double LatencyP99Ms,
    string? Error = null,
    double? MaxAbsDiff = null);
