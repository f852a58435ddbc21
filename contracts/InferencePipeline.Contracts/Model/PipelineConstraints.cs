namespace InferencePipeline.Contracts;

/// <summary>
/// Model Analyzer's constraints: a config that breaks any of them is not a candidate.
/// <c>MaxLatencyP99Ms</c> is the user's latency budget.
/// </summary>
public sealed record PipelineConstraints(
    double? MaxLatencyP99Ms = null,
    double? MinThroughput = null)
{
    public static PipelineConstraints None { get; } = new();
}
