using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace InferencePipeline.Converter;

/// <summary>The converter's trace source and meter; ServiceDefaults exports every "InferencePipeline.*" source.</summary>
public static class ConverterTelemetry
{
    public const string Name = "InferencePipeline.Converter";

    public static readonly ActivitySource ActivitySource = new(Name);

    public static readonly Meter Meter = new(Name);

    /// <summary>Conversions finished, tagged with their outcome (converted | failed).</summary>
    public static readonly Counter<long> Conversions = Meter.CreateCounter<long>("converter.conversions", description: "Model conversions finished, by outcome");

    public static readonly Histogram<double> Duration = Meter.CreateHistogram<double>("converter.duration", unit: "s", description: "Time to validate, copy and write the repository entry");
}
