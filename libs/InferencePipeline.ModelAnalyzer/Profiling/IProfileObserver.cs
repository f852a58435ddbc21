using InferencePipeline.Contracts;
using InferencePipeline.ModelAnalyzer.Search;

namespace InferencePipeline.ModelAnalyzer.Profiling;

/// <summary>What the engine reports as it goes: progress displays, the stage's events.</summary>
public interface IProfileObserver
{
    /// <summary>A model's profile starts: how many configs it may measure and at most how many measurements it takes.</summary>
    Task ModelStartingAsync(string model, int configs, int maxMeasurements, CancellationToken cancellationToken);

    /// <summary>A config is about to be loaded because it has loads left to measure.</summary>
    Task ConfigStartingAsync(string model, PlannedServingConfig config, CancellationToken cancellationToken);

    /// <summary>A load of the config is about to be measured (it is in no checkpoint).</summary>
    Task MeasuringAsync(string model, PlannedServingConfig config, LoadPoint point, CancellationToken cancellationToken);

    /// <summary>A point of the profile: freshly measured (and checkpointed) or found in the checkpoints.</summary>
    Task PointAsync(ProfilePoint point, CancellationToken cancellationToken);
}

/// <param name="Index">The point's place in the profile, in visit order (the same on every run over the same checkpoints).</param>
/// <param name="Replayed">Found in the checkpoints rather than measured now.</param>
/// <param name="Announced">For a replayed point: whether its progress event went out when it was measured.</param>
public sealed record ProfilePoint(string Model, PlannedServingConfig Config, ProfileMeasurement Measurement, int Index, bool Replayed, bool Announced);

/// <summary>An observer that listens to nothing.</summary>
public sealed class SilentObserver : IProfileObserver
{
    public static SilentObserver Instance { get; } = new();

    public Task ModelStartingAsync(string model, int configs, int maxMeasurements, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task ConfigStartingAsync(string model, PlannedServingConfig config, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task MeasuringAsync(string model, PlannedServingConfig config, LoadPoint point, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task PointAsync(ProfilePoint point, CancellationToken cancellationToken) => Task.CompletedTask;
}
