namespace InferencePipeline.Contracts;

/// <summary>
/// The chosen config and the report: Model Analyzer's CSV, the throughput plot and
/// Optimal_ConfigFile_Location.txt. Throughputs are at the best concurrency within the constraints.
/// </summary>
public sealed record ResultsAnalyzed(
    Guid PipelineId,
    string ModelName,
    ProfiledConfig Best,
    LatencyStats BestStats,
    int BestConcurrency,
    double DefaultThroughputPerSec,
    double OrtTunedThroughputPerSec,
    string MetricsCsvUri,
    string PlotUri,
    string ConfigLocationUri,
    string ReportUri);
