namespace InferencePipeline.ModelAnalyzer.Config;

/// <summary>
/// The perf_analyzer flags the profiler honours (<c>perf_analyzer_flags</c>, global or per model): input shapes for
/// dynamic dims, the measurement window, the stability band and trials, the latency percentile, and the input data.
/// Null means "not given" (the default applies).
/// </summary>
/// <param name="Shapes">perf_analyzer's <c>--shape name:d1,d2</c>: dims without the batch dim, by input name.</param>
/// <param name="InputData">perf_analyzer's <c>--input-data</c>: "random", "zero" or a JSON file's path.</param>
public sealed record PerfAnalyzerFlags(
    IReadOnlyDictionary<string, long[]>? Shapes = null,
    int? MeasurementIntervalMs = null,
    int? Percentile = null,
    string? InputData = null,
    double? StabilityPercentage = null,
    int? MaxTrials = null)
{
    public static PerfAnalyzerFlags None { get; } = new();

    /// <summary>perf_analyzer's default band: a measurement is stable once its windows agree within ±10%.</summary>
    public const double DefaultStabilityPercentage = 10;

    /// <summary>Each flag given here, else <paramref name="fallback"/>'s (a model's flags over the global ones).</summary>
    public PerfAnalyzerFlags Over(PerfAnalyzerFlags fallback) => new(
        Shapes ?? fallback.Shapes,
        MeasurementIntervalMs ?? fallback.MeasurementIntervalMs,
        Percentile ?? fallback.Percentile,
        InputData ?? fallback.InputData,
        StabilityPercentage ?? fallback.StabilityPercentage,
        MaxTrials ?? fallback.MaxTrials);
}
