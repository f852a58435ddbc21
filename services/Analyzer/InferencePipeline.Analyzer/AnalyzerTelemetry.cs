using System.Diagnostics;
using System.Diagnostics.Metrics;
using InferencePipeline.Contracts;
using InferencePipeline.Stages;

namespace InferencePipeline.Analyzer;

/// <summary>The analyzer's trace source and meter; ServiceDefaults exports every "InferencePipeline.*" source.</summary>
public static class AnalyzerTelemetry
{
    public const string Name = "InferencePipeline.Analyzer";

    public static readonly ActivitySource ActivitySource = new(Name);

    public static readonly Meter Meter = new(Name);

    /// <summary>Analyses finished, tagged with their outcome (analyzed | failed).</summary>
    public static readonly Counter<long> Analyses = Meter.CreateCounter<long>("analyzer.analyses", description: "Result analyses finished, by outcome");

    public static readonly StageTelemetry Stage = new(PipelineStage.Analyzing, ActivitySource, "analyze-results", "analysis")
    {
        Outcomes = Analyses,
        SucceededOutcome = "analyzed",
    };
}
