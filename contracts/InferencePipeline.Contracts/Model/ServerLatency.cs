namespace InferencePipeline.Contracts;

/// <summary>
/// The server's share of a request's latency, averaged per request over a measurement (Triton's ModelStatistics):
/// time queued before a batch ran it, and the compute phases. What is left of the client's latency is the
/// client and the network.
/// </summary>
public sealed record ServerLatency(double QueueMs, double ComputeInputMs, double ComputeInferMs, double ComputeOutputMs)
{
    public double ComputeMs => ComputeInputMs + ComputeInferMs + ComputeOutputMs;

    public double TotalMs => QueueMs + ComputeMs;
}
