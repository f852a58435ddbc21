using InferencePipeline.Contracts;
using InferencePipeline.ModelAnalyzer.Search;

namespace InferencePipeline.ModelAnalyzer.Profiling;

/// <summary>
/// Where every measurement is kept as it is made, so an interrupted profile run again measures only what is
/// missing: Redis in the services, a JSON file in <c>checkpoint_directory</c> for the CLI.
/// </summary>
public interface IMeasurementCheckpoints
{
    /// <summary>The measurement of <paramref name="config"/> at <paramref name="point"/> made by an earlier run, or null.</summary>
    Task<CheckpointHit?> FindAsync(string model, PlannedServingConfig config, LoadPoint point, CancellationToken cancellationToken);

    /// <summary>Keeps a fresh measurement; it must be durable when this returns.</summary>
    Task SaveAsync(string model, PlannedServingConfig config, LoadPoint point, ProfileMeasurement measurement, int index, CancellationToken cancellationToken);
}

/// <summary>A checkpointed measurement; <see cref="Announced"/> says whether its progress event went out after it was saved.</summary>
public sealed record CheckpointHit(ProfileMeasurement Measurement, bool Announced);

/// <summary>Checkpoints that hold nothing (dry runs, benchmarks that measure everything afresh).</summary>
public sealed class NoCheckpoints : IMeasurementCheckpoints
{
    public static NoCheckpoints Instance { get; } = new();

    public Task<CheckpointHit?> FindAsync(string model, PlannedServingConfig config, LoadPoint point, CancellationToken cancellationToken) =>
        Task.FromResult<CheckpointHit?>(null);

    public Task SaveAsync(string model, PlannedServingConfig config, LoadPoint point, ProfileMeasurement measurement, int index, CancellationToken cancellationToken) =>
        Task.CompletedTask;
}
