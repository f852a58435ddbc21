using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace InferencePipeline.InferenceServer.Telemetry;

/// <summary>
/// The server's traces and metrics, under one name so ServiceDefaults' OpenTelemetry setup (and the
/// Aspire dashboard) can subscribe with AddSource/AddMeter("InferencePipeline.InferenceServer").
/// </summary>
public static class InferenceServerTelemetry
{
    public const string Name = "InferencePipeline.InferenceServer";

    public static readonly ActivitySource ActivitySource = new(Name);

    private static readonly Meter Meter = new(Name);

    /// <summary>Inference requests answered, tagged with model and outcome.</summary>
    internal static readonly Counter<long> Requests = Meter.CreateCounter<long>(
        "inference_server.requests", unit: "{request}", description: "Inference requests answered");

    /// <summary>End-to-end request time inside the server (queue + compute + response building).</summary>
    internal static readonly Histogram<double> RequestDuration = Meter.CreateHistogram<double>(
        "inference_server.request.duration", unit: "s", description: "Inference request duration inside the server");

    /// <summary>Rows per model execution: shows whether dynamic batching forms the batches it should.</summary>
    internal static readonly Histogram<long> BatchSize = Meter.CreateHistogram<long>(
        "inference_server.batch.size", unit: "{row}", description: "Rows per model execution");
}
