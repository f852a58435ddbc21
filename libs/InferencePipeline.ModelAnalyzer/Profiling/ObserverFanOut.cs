using InferencePipeline.ModelAnalyzer.Search;

namespace InferencePipeline.ModelAnalyzer.Profiling;

/// <summary>Reports each event to several observers in turn (a display and a writer, say).</summary>
public sealed class ObserverFanOut(params IProfileObserver[] observers) : IProfileObserver
{
    public async Task ModelStartingAsync(string model, int configs, int maxMeasurements, CancellationToken cancellationToken)
    {
        foreach (var o in observers)
        {
            await o.ModelStartingAsync(model, configs, maxMeasurements, cancellationToken);
        }
    }

    public async Task ConfigStartingAsync(string model, PlannedServingConfig config, CancellationToken cancellationToken)
    {
        foreach (var o in observers)
        {
            await o.ConfigStartingAsync(model, config, cancellationToken);
        }
    }

    public async Task MeasuringAsync(string model, PlannedServingConfig config, LoadPoint point, CancellationToken cancellationToken)
    {
        foreach (var o in observers)
        {
            await o.MeasuringAsync(model, config, point, cancellationToken);
        }
    }

    public async Task PointAsync(ProfilePoint point, CancellationToken cancellationToken)
    {
        foreach (var o in observers)
        {
            await o.PointAsync(point, cancellationToken);
        }
    }
}
