using System.Diagnostics;
using System.Diagnostics.Metrics;
using InferencePipeline.Contracts;
using InferencePipeline.Stages;

namespace InferencePipeline.Converter;

/// <summary>The converter's trace source and meter; ServiceDefaults exports every "InferencePipeline.*" source.</summary>
public static class ConverterTelemetry
{
    public const string Name = "InferencePipeline.Converter";

    public static readonly ActivitySource ActivitySource = new(Name);

    public static readonly Meter Meter = new(Name);

    /// <summary>Models handled, tagged with their outcome (accepted | failed): accepted means ONNX (given or exported from PyTorch) laid out as a repository entry.</summary>
    public static readonly Counter<long> Models = Meter.CreateCounter<long>("converter.models", description: "Models the converter handled, by outcome");

    public static readonly Histogram<double> Duration = Meter.CreateHistogram<double>("converter.duration", unit: "s", description: "Time to export or validate, copy and write the repository entry");

    public static readonly StageTelemetry Stage = new(PipelineStage.Converting, ActivitySource, "convert-model", "conversion")
    {
        Outcomes = Models,
        SucceededOutcome = "accepted",
        Duration = Duration,
    };
}
