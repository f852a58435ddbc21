namespace InferencePipeline.Benchmarks;

/// <summary>
/// One search of one model: the best point found within the latency budget, what it cost, how long it took, and the
/// chosen point's throughput measured again beside the other search's (null until then).
/// </summary>
public sealed record SearchRun(
    string Mode,
    string BestConfig,
    string BestSettings,
    int BestConcurrency,
    double BestThroughput,
    double BestP99Ms,
    int Measurements,
    int ConfigsMeasured,
    TimeSpan Wall,
    double? Confirmed = null);
