namespace InferencePipeline.OrtTuner;

/// <summary>
/// Configuration section <c>Pipeline:OrtTuner</c>. The defaults keep a full search of the demo BERT under
/// ~30 s on two CPU cores: 12 settings, each a short warm-up plus 300 ms windows until three agree.
/// </summary>
public sealed class OrtTunerOptions
{
    public const string Section = "Pipeline:OrtTuner";

    /// <summary>Length of one measurement window.</summary>
    public int WindowMs { get; set; } = 300;

    /// <summary>Load thrown away before the first window (first runs allocate ORT's arenas).</summary>
    public int WarmupMs { get; set; } = 100;

    /// <summary>Windows per trial at most; a trial that is not stable by then is kept and marked unstable.</summary>
    public int MaxWindowsPerTrial { get; set; } = 6;

    /// <summary>perf_analyzer's stability rule: the last three windows within this percentage.</summary>
    public double StabilityPercentage { get; set; } = 10;

    /// <summary>Settings tried at most, the default included.</summary>
    public int MaxTrials { get; set; } = 16;

    /// <summary>No new trial starts after this long; the best so far wins.</summary>
    public int MaxTuningSeconds { get; set; } = 60;

    /// <summary>
    /// Largest absolute output difference from the default session a trial may have (fp32: graph rewrites
    /// reorder float sums, which moves logits by ~1e-6; 1e-3 still catches a broken fusion).
    /// </summary>
    public double Tolerance { get; set; } = 1e-3;

    /// <summary>Requests in flight while measuring; 1 measures latency-bound single-stream speed, as the seed's OLive run did.</summary>
    public int Concurrency { get; set; } = 1;

    /// <summary>Samples per request.</summary>
    public int BatchSize { get; set; } = 1;
}
