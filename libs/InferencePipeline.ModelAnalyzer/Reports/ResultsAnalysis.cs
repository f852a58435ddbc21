using InferencePipeline.Contracts;
using InferencePipeline.ModelAnalyzer.Config;

namespace InferencePipeline.ModelAnalyzer.Reports;

/// <summary>
/// What the analysis of one model concluded: the best measurement under the constraints and objectives, the best
/// in-budget measurement of the default and ORT-tuned lines (null when none is in budget), the best configs in
/// order (each by its best measurement), and every measurement with its constraint verdict, best first.
/// </summary>
public sealed record ResultsAnalysis(
    string ModelName,
    ConstraintSet Constraints,
    IReadOnlyList<Objective> Objectives,
    AnalyzedMeasurement Best,
    AnalyzedMeasurement? BestDefault,
    AnalyzedMeasurement? BestOrtTuned,
    IReadOnlyList<AnalyzedMeasurement> TopConfigs,
    IReadOnlyList<AnalyzedMeasurement> Measurements)
{
    public double DefaultThroughputPerSec => BestDefault?.Stats.ThroughputPerSec ?? 0;

    public double OrtTunedThroughputPerSec => BestOrtTuned?.Stats.ThroughputPerSec ?? 0;

    public double BestThroughputPerSec => Best.Stats.ThroughputPerSec;

    public int ConfigCount => Measurements.Select(m => m.Config.Name).Distinct().Count();

    /// <summary>Every measurement of one config, by load: one line of a plot.</summary>
    public IReadOnlyList<AnalyzedMeasurement> LineOf(string configName) =>
        Measurements.Where(m => m.Config.Name == configName)
            .OrderBy(m => m.Measurement.BatchSize).ThenBy(m => m.Measurement.RequestRate ?? m.Measurement.Concurrency).ToList();
}
