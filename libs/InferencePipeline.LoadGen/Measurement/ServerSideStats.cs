using Inference;

namespace InferencePipeline.LoadGen;

/// <summary>
/// Where a request's time went inside the server, averaged per successful request between two
/// ModelStatistics snapshots (perf_analyzer's "Server: ... queue, compute input/infer/output").
/// </summary>
/// <param name="RequestCount">Successful requests the server counted between the snapshots.</param>
/// <param name="ExecutionCount">Model executions between the snapshots (fewer than requests when the server batched).</param>
/// <param name="SuccessMs">Average total time in the server per request.</param>
public sealed record ServerSideStats(
    long RequestCount,
    long ExecutionCount,
    double SuccessMs,
    double QueueMs,
    double ComputeInputMs,
    double ComputeInferMs,
    double ComputeOutputMs)
{
    /// <summary>The per-request averages between <paramref name="before"/> and <paramref name="after"/>;
    /// null when no request succeeded in between (nothing to average).</summary>
    public static ServerSideStats? Between(ModelStatistics before, ModelStatistics after)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        var b = before.InferenceStats ?? new InferStatistics();
        var a = after.InferenceStats ?? new InferStatistics();
        var requests = Delta(b.Success?.Count, a.Success?.Count);
        if (requests <= 0)
        {
            return null;
        }

        // Triton keeps queue and compute durations per request (a batched execution charges each of its
        // requests), so dividing by successful requests gives the per-request figure perf_analyzer prints.
        double PerRequestMs(StatisticDuration? x, StatisticDuration? y) => Delta(x?.Ns, y?.Ns) / (double)requests / 1e6;

        return new ServerSideStats(
            requests,
            Delta(before.ExecutionCount, after.ExecutionCount),
            PerRequestMs(b.Success, a.Success),
            PerRequestMs(b.Queue, a.Queue),
            PerRequestMs(b.ComputeInput, a.ComputeInput),
            PerRequestMs(b.ComputeInfer, a.ComputeInfer),
            PerRequestMs(b.ComputeOutput, a.ComputeOutput));
    }

    /// <summary>Adds up the statistics of several versions of one model into one snapshot.</summary>
    public static ModelStatistics Sum(IEnumerable<ModelStatistics> versions)
    {
        ArgumentNullException.ThrowIfNull(versions);
        var sum = new ModelStatistics
        {
            InferenceStats = new InferStatistics
            {
                Success = new StatisticDuration(),
                Queue = new StatisticDuration(),
                ComputeInput = new StatisticDuration(),
                ComputeInfer = new StatisticDuration(),
                ComputeOutput = new StatisticDuration(),
            },
        };
        foreach (var v in versions)
        {
            sum.Name = v.Name;
            sum.InferenceCount += v.InferenceCount;
            sum.ExecutionCount += v.ExecutionCount;
            var s = v.InferenceStats;
            if (s is null)
            {
                continue;
            }

            Add(sum.InferenceStats.Success, s.Success);
            Add(sum.InferenceStats.Queue, s.Queue);
            Add(sum.InferenceStats.ComputeInput, s.ComputeInput);
            Add(sum.InferenceStats.ComputeInfer, s.ComputeInfer);
            Add(sum.InferenceStats.ComputeOutput, s.ComputeOutput);
        }

        return sum;
    }

    private static void Add(StatisticDuration into, StatisticDuration? value)
    {
        if (value is not null)
        {
            into.Count += value.Count;
            into.Ns += value.Ns;
        }
    }

    // Counters only grow; a server restarted between snapshots would make them shrink, which we report as 0.
    private static long Delta(ulong? before, ulong? after) =>
        (after ?? 0) >= (before ?? 0) ? (long)((after ?? 0) - (before ?? 0)) : 0;
}
