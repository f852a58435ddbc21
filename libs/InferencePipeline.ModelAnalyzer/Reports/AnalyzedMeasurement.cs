using InferencePipeline.Contracts;

namespace InferencePipeline.ModelAnalyzer.Reports;

/// <summary>One measurement with the verdict of the constraints on it.</summary>
public sealed record AnalyzedMeasurement(ProfileMeasurement Measurement, bool SatisfiesConstraints)
{
    public ProfiledConfig Config => Measurement.Config;

    public LatencyStats Stats => Measurement.Stats;
}
