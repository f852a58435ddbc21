using InferencePipeline.Contracts;

namespace InferencePipeline.TritonProfiler.Measuring;

/// <summary>
/// When a config stops climbing concurrency: its p99 is past <c>factor</c> × the user's latency budget.
/// Without a budget every concurrency is measured.
/// </summary>
public sealed record ClimbLimit(double? LatencyBudgetP99Ms, double Factor)
{
    public bool StopsAfter(LatencyStats stats) => LatencyBudgetP99Ms is { } budget && stats.P99Ms > Factor * budget;
}
