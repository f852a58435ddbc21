using InferencePipeline.ModelAnalyzer.Search;

namespace InferencePipeline.ModelAnalyzer.Profiling;

/// <summary>What configs are measured on: a server that loads a config and then measures loads of it.</summary>
public interface IServingMeasurer
{
    /// <summary>Loads <paramref name="config"/> (the server serves it until the session is disposed).</summary>
    /// <exception cref="Measuring.MeasurementFailedException">The server refuses the config or cannot serve it; retrying will not help.</exception>
    Task<IServingSession> OpenAsync(PlannedServingConfig config, CancellationToken cancellationToken);
}

/// <summary>One loaded config.</summary>
public interface IServingSession : IAsyncDisposable
{
    /// <exception cref="Measuring.MeasurementFailedException">The server rejects the requests; retrying will not help.</exception>
    Task<MeasuredLoad> MeasureAsync(LoadPoint point, CancellationToken cancellationToken);
}

/// <summary>The client's statistics of one load and the server's share of the latency, when it reports one.</summary>
public sealed record MeasuredLoad(Contracts.LatencyStats Stats, Contracts.ServerLatency? Server);
