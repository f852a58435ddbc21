using InferencePipeline.ModelAnalyzer.Search;

namespace InferencePipeline.ModelAnalyzer.Profiling;

/// <summary>
/// Writes each config into the output model repository as it comes up: before it is loaded (a local server loads it
/// from there) and when its measurements are replayed from a checkpoint, so a resumed run leaves every measured
/// config where <c>analyze</c> and Optimal_ConfigFile_Location.txt expect it.
/// </summary>
public sealed class OutputEntriesObserver(OutputModelRepository output) : IProfileObserver
{
    public Task ModelStartingAsync(string model, int configs, int maxMeasurements, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task ConfigStartingAsync(string model, PlannedServingConfig config, CancellationToken cancellationToken) =>
        output.WriteAsync(config, cancellationToken);

    public Task MeasuringAsync(string model, PlannedServingConfig config, LoadPoint point, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task PointAsync(ProfilePoint point, CancellationToken cancellationToken) =>
        point.Replayed ? output.WriteAsync(point.Config, cancellationToken) : Task.CompletedTask;
}
