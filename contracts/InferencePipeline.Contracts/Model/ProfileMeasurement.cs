namespace InferencePipeline.Contracts;

/// <summary>One (config, concurrency) measurement: the unit the profiler checkpoints and the analyzer ranks.</summary>
public sealed record ProfileMeasurement(ProfiledConfig Config, int Concurrency, LatencyStats Stats);
