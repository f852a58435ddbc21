using InferencePipeline.Contracts;

namespace InferencePipeline.Analyzer;

/// <summary>
/// What the analyzer concluded: the best Triton-search measurement under the constraints and objectives,
/// the best in-budget measurement of the default and ORT-tuned lines (null when none is in budget), and
/// every measurement with its constraint verdict, best first.
/// </summary>
public sealed record ResultsAnalysis(
    string ModelName,
    PipelineConstraints Constraints,
    AnalyzedMeasurement Best,
    AnalyzedMeasurement? BestDefault,
    AnalyzedMeasurement? BestOrtTuned,
    IReadOnlyList<AnalyzedMeasurement> Measurements)
{
    public double DefaultThroughputPerSec => BestDefault?.Stats.ThroughputPerSec ?? 0;

    public double OrtTunedThroughputPerSec => BestOrtTuned?.Stats.ThroughputPerSec ?? 0;

    public double BestThroughputPerSec => Best.Stats.ThroughputPerSec;

    /// <summary>Every measurement of one config, by concurrency: one line of the plot.</summary>
    public IReadOnlyList<AnalyzedMeasurement> LineOf(string configName) =>
        Measurements.Where(m => m.Config.Name == configName).OrderBy(m => m.Measurement.Concurrency).ToList();
}
