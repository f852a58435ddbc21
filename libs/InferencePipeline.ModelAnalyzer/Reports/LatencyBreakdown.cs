namespace InferencePipeline.ModelAnalyzer.Reports;

/// <summary>
/// Where the chosen measurement's average latency went: in the server's queue, in the server's compute (input,
/// inference, output), and the rest — the client and the network. Null parts when the server reports no statistics.
/// </summary>
public sealed record LatencyBreakdown(double TotalMs, double? ClientMs, double? QueueMs, double? ComputeMs)
{
    public static LatencyBreakdown Of(AnalyzedMeasurement measurement)
    {
        var total = measurement.Stats.AvgMs;
        if (measurement.Measurement.Server is not { } server)
        {
            return new LatencyBreakdown(total, null, null, null);
        }

        return new LatencyBreakdown(total, Math.Max(0, total - server.TotalMs), server.QueueMs, server.ComputeMs);
    }
}
