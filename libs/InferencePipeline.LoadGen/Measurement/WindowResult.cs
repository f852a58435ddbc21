using InferencePipeline.Contracts;

namespace InferencePipeline.LoadGen;

/// <summary>
/// One measurement window, reported as it closes (progress for the profiler and the CLI).
/// <see cref="LatencyStats.Stable"/> says whether the stability rule held after this window.
/// </summary>
public sealed record WindowResult(int Concurrency, int Trial, LatencyStats Stats, long ErrorCount, TimeSpan Duration);
