using System.Diagnostics;
using System.Diagnostics.Metrics;
using InferencePipeline.Contracts;
using InferencePipeline.Stages;

namespace InferencePipeline.OrtTuner;

/// <summary>The tuner's trace source and meter; ServiceDefaults exports every "InferencePipeline.*" source.</summary>
public static class OrtTunerTelemetry
{
    public const string Name = "InferencePipeline.OrtTuner";

    public static readonly ActivitySource ActivitySource = new(Name);

    public static readonly Meter Meter = new(Name);

    /// <summary>Trials run, tagged with their outcome (measured | rejected | failed).</summary>
    public static readonly Counter<long> Trials = Meter.CreateCounter<long>("ort_tuner.trials", description: "ORT settings tried, by outcome");

    public static readonly Histogram<double> TrialThroughput = Meter.CreateHistogram<double>("ort_tuner.trial_throughput", unit: "{inference}/s", description: "Throughput of each measured trial");

    /// <summary>Best over default throughput of each finished tuning.</summary>
    public static readonly Histogram<double> Speedup = Meter.CreateHistogram<double>("ort_tuner.speedup", description: "Tuned over default throughput");

    public static readonly StageTelemetry Stage = new(PipelineStage.Tuning, ActivitySource, "tune-ort", "ORT tuning");
}
