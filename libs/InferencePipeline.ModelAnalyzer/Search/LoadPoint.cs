using System.Globalization;

namespace InferencePipeline.ModelAnalyzer.Search;

/// <summary>One load a config is measured at: the client's batch size and a concurrency, or a request rate.</summary>
public sealed record LoadPoint(int BatchSize, int Concurrency, double? RequestRate = null)
{
    /// <summary>The swept value: the request rate in rate sweeps, else the concurrency.</summary>
    public double Value => RequestRate ?? Concurrency;

    public override string ToString() =>
        (RequestRate is { } rate ? $"rate {rate.ToString("0.##", CultureInfo.InvariantCulture)}/s" : $"concurrency {Concurrency}")
        + (BatchSize == 1 ? "" : $", batch {BatchSize}");
}
