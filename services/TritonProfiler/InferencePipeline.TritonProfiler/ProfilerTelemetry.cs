using System.Diagnostics;
using System.Diagnostics.Metrics;
using InferencePipeline.Contracts;
using InferencePipeline.Stages;

namespace InferencePipeline.TritonProfiler;

/// <summary>Traces and metrics of the profiler, under the name ServiceDefaults subscribes to ("InferencePipeline.*").</summary>
public static class ProfilerTelemetry
{
    public const string Name = "InferencePipeline.TritonProfiler";

    public static readonly ActivitySource ActivitySource = new(Name);

    private static readonly Meter Meter = new(Name);

    public static readonly StageTelemetry Stage = new(PipelineStage.Profiling, ActivitySource, "profile model", "profiling");

    public static readonly Counter<long> Measurements = Meter.CreateCounter<long>(
        "profiler.measurements", description: "(config, concurrency) points measured");

    public static readonly Counter<long> ResumedMeasurements = Meter.CreateCounter<long>(
        "profiler.measurements.resumed", description: "points found in the checkpoint store instead of measured again");

    public static readonly Histogram<double> MeasurementDuration = Meter.CreateHistogram<double>(
        "profiler.measurement.duration", unit: "s", description: "wall time of one point, stability windows included");

    public static readonly Counter<long> ConfigLoads = Meter.CreateCounter<long>(
        "profiler.config.loads", description: "serving configs loaded on the server");
}
