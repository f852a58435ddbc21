using System.Globalization;
using System.Text;
using Inference;

namespace InferencePipeline.InferenceServer.Telemetry;

/// <summary>
/// Writes Triton's per-model inference counters in the Prometheus text exposition format (version 0.0.4),
/// with Triton's metric names, help texts and model/version labels, so dashboards and scrapers built for
/// <c>tritonserver</c>'s /metrics work against this server unchanged. Values come from the same statistics
/// ModelStatistics reports, so the two never disagree.
/// </summary>
internal static class PrometheusMetricsWriter
{
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    private sealed record Metric(string Name, string Help, Func<ModelStatistics, ulong> Value);

    private static readonly Metric[] Metrics =
    [
        new("nv_inference_request_success", "Number of successful inference requests, all batch sizes",
            s => s.InferenceStats.Success.Count),
        new("nv_inference_request_failure", "Number of failed inference requests, all batch sizes",
            s => s.InferenceStats.Fail.Count),
        new("nv_inference_count", "Number of inferences performed (does not include cached requests)",
            s => s.InferenceCount),
        new("nv_inference_exec_count", "Number of model executions performed (does not include cached requests)",
            s => s.ExecutionCount),
        new("nv_inference_request_duration_us", "Cumulative inference request duration in microseconds (includes cached requests)",
            // Triton adds to the duration counters on success only, so request_duration / request_success is the mean latency.
            s => s.InferenceStats.Success.Ns / 1000),
        new("nv_inference_queue_duration_us", "Cumulative inference queuing duration in microseconds (includes cached requests)",
            s => s.InferenceStats.Queue.Ns / 1000),
        new("nv_inference_compute_input_duration_us", "Cumulative compute input duration in microseconds (does not include cached requests)",
            s => s.InferenceStats.ComputeInput.Ns / 1000),
        new("nv_inference_compute_infer_duration_us", "Cumulative compute inference duration in microseconds (does not include cached requests)",
            s => s.InferenceStats.ComputeInfer.Ns / 1000),
        new("nv_inference_compute_output_duration_us", "Cumulative inference compute output duration in microseconds (does not include cached requests)",
            s => s.InferenceStats.ComputeOutput.Ns / 1000),
    ];

    /// <param name="pending">Per model (same order as <paramref name="models"/>): requests waiting in its queue now.</param>
    public static string Write(IReadOnlyList<ModelStatistics> models, IReadOnlyList<int> pending)
    {
        var text = new StringBuilder(256 + models.Count * (Metrics.Length + 1) * 96);
        foreach (var metric in Metrics)
        {
            text.Append("# HELP ").Append(metric.Name).Append(' ').Append(metric.Help).Append('\n');
            text.Append("# TYPE ").Append(metric.Name).Append(" counter\n");
            foreach (var stats in models)
            {
                text.Append(metric.Name).Append("{model=\"");
                AppendLabelValue(text, stats.Name);
                text.Append("\",version=\"");
                AppendLabelValue(text, stats.Version);
                text.Append("\"} ").Append(metric.Value(stats).ToString(CultureInfo.InvariantCulture)).Append('\n');
            }
        }
        // A gauge, unlike the counters above: what a queue limit bounds, and what shows a server falling behind.
        text.Append("# HELP nv_inference_pending_request_count Instantaneous number of pending requests awaiting execution per-model.\n");
        text.Append("# TYPE nv_inference_pending_request_count gauge\n");
        for (var i = 0; i < models.Count; i++)
        {
            text.Append("nv_inference_pending_request_count{model=\"");
            AppendLabelValue(text, models[i].Name);
            text.Append("\",version=\"");
            AppendLabelValue(text, models[i].Version);
            text.Append("\"} ").Append(pending[i].ToString(CultureInfo.InvariantCulture)).Append('\n');
        }
        return text.ToString();
    }

    /// <summary>Label values escape backslash, double quote and line feed, as the exposition format requires.</summary>
    private static void AppendLabelValue(StringBuilder text, string value)
    {
        foreach (var c in value)
        {
            switch (c)
            {
                case '\\': text.Append("\\\\"); break;
                case '"': text.Append("\\\""); break;
                case '\n': text.Append("\\n"); break;
                default: text.Append(c); break;
            }
        }
    }
}
