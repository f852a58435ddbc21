using System.Globalization;
using System.Net;
using System.Text;
using InferencePipeline.Contracts;

namespace InferencePipeline.ModelAnalyzer.Reports;

/// <summary>
/// The summary report: one self-contained HTML page (plots embedded as base64, inline CSS) that can be mailed or
/// attached to a ticket: Model Analyzer's summary sentence, the baseline and chosen configs side by side with their
/// speedups, throughput vs concurrency and throughput vs p99 latency, the top configs, the chosen config's latency
/// breakdown (client, server queue, compute) and config.pbtxt, and every measurement.
/// </summary>
public static class HtmlReport
{
    /// <param name="throughputPlot">Optimal_Results.png (throughput vs concurrency).</param>
    public static string Write(ResultsAnalysis analysis, byte[] throughputPlot, string? bestConfigText, string bestConfigLocation)
    {
        var best = analysis.Best;
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
            .Append("<title>").Append(E(analysis.ModelName)).Append(" — inference pipeline report</title>")
            .Append("<style>body{font-family:sans-serif;margin:2em;max-width:1100px}table{border-collapse:collapse;margin:1em 0}")
            .Append("th,td{border:1px solid #ccc;padding:4px 8px;text-align:right}th{background:#f3f3f3}td.l,th.l{text-align:left}")
            .Append("tr.best{background:#e6f6ea;font-weight:bold}tr.fail{color:#999}pre{background:#f6f6f6;padding:1em;overflow:auto}")
            .Append("p.summary{font-size:1.15em;background:#eef4fb;padding:.8em;border-left:4px solid #4a7fc1}")
            .Append(".bar{display:flex;height:28px;width:100%;max-width:900px;border:1px solid #999}.bar div{color:#fff;font-size:12px;line-height:28px;padding-left:4px;overflow:hidden;white-space:nowrap}</style>")
            .Append("</head><body>\n");

        html.Append("<h1>").Append(E(analysis.ModelName)).Append("</h1>\n<p class=\"summary\">")
            .Append(E(SummarySentence.For(analysis))).Append("</p>\n<p>Constraints: ")
            .Append(E(analysis.Constraints.Describe()))
            .Append(". Throughputs are the best measured within the constraints.</p>\n");

        html.Append("<h2>Summary</h2>\n<table><tr><th class=\"l\">Stage</th><th class=\"l\">Config</th><th>Concurrency</th>")
            .Append("<th>Throughput (infer/sec)</th><th>p99 latency (ms)</th><th>Speedup vs default</th></tr>\n");
        var defaultThroughput = analysis.DefaultThroughputPerSec;
        SummaryRow(html, "Default", analysis.BestDefault, defaultThroughput);
        if (analysis.Measurements.Any(m => m.Config.Variant == ConfigVariant.OrtTuned))
        {
            SummaryRow(html, "ORT-tuned", analysis.BestOrtTuned, defaultThroughput);
        }

        SummaryRow(html, best.Config.Variant == ConfigVariant.TritonSearch ? "Triton-tuned (chosen)" : "Chosen", best, defaultThroughput);
        html.Append("</table>\n");

        Image(html, "Throughput vs concurrency", throughputPlot, ThroughputPlot.Width);
        Image(html, "Throughput vs p99 latency", ThroughputLatencyPlot.Render(analysis), ThroughputLatencyPlot.Width);

        html.Append("<h2>Top configurations</h2>\n<table><tr><th>#</th><th class=\"l\">Config</th><th class=\"l\">Settings</th><th>Concurrency</th>")
            .Append("<th>Throughput (infer/sec)</th><th>p99 latency (ms)</th></tr>\n");
        var rank = 1;
        foreach (var top in analysis.TopConfigs.Take(10))
        {
            html.Append("<tr").Append(top.Config.Name == best.Config.Name ? " class=\"best\"" : "").Append("><td>").Append(rank++)
                .Append("</td><td class=\"l\">").Append(E(top.Config.Name)).Append("</td><td class=\"l\">").Append(E(Settings(top.Config)))
                .Append("</td><td>").Append(Load(top.Measurement)).Append("</td><td>").Append(F(top.Stats.ThroughputPerSec, "0.0"))
                .Append("</td><td>").Append(F(top.Stats.P99Ms, "0.000")).Append("</td></tr>\n");
        }

        html.Append("</table>\n");

        Breakdown(html, best);

        html.Append("<h2>Chosen config</h2>\n<p>").Append(E(best.Config.Name)).Append(": ").Append(E(Settings(best.Config)))
            .Append(". Location: <code>").Append(E(bestConfigLocation)).Append("</code></p>\n<pre>")
            .Append(E(bestConfigText ?? "(config.pbtxt not found at " + best.Config.ConfigUri + ")"))
            .Append("</pre>\n");

        html.Append("<h2>All measurements</h2>\n<table><tr>");
        foreach (var header in MetricsCsv.Headers)
        {
            html.Append("<th>").Append(E(header)).Append("</th>");
        }

        html.Append("<th>Preferred Batch Sizes</th><th>p50 Latency (ms)</th><th>Stable</th></tr>\n");
        foreach (var row in analysis.Measurements)
        {
            var css = ReferenceEquals(row, best) ? " class=\"best\"" : row.SatisfiesConstraints ? "" : " class=\"fail\"";
            html.Append("<tr").Append(css).Append('>');
            foreach (var field in Config.ModelAnalyzerConfig.DefaultInferenceOutputFields)
            {
                var text = OutputFields.Value(field, analysis.ModelName, row);
                html.Append(field is "model_name" or "model_config_path" ? "<td class=\"l\">" : "<td>").Append(E(text)).Append("</td>");
            }

            html.Append("<td>").Append(E(OutputFields.PreferredSizes(row.Config))).Append("</td><td>")
                .Append(F(row.Stats.P50Ms, "0.000")).Append("</td><td>")
                .Append(row.Stats.Stable ? "yes" : "no").Append("</td></tr>\n");
        }

        html.Append("</table>\n</body></html>\n");
        return html.ToString();
    }

    private static void Breakdown(StringBuilder html, AnalyzedMeasurement best)
    {
        var parts = LatencyBreakdown.Of(best);
        html.Append("<h2>Latency breakdown of the chosen config</h2>\n");
        if (parts.QueueMs is not { } queue || parts.ComputeMs is not { } compute || parts.ClientMs is not { } client)
        {
            html.Append("<p>Average latency ").Append(F(parts.TotalMs, "0.000"))
                .Append(" ms; the server reported no statistics, so it cannot be split into client, queue and compute.</p>\n");
            return;
        }

        html.Append("<p>Average latency ").Append(F(parts.TotalMs, "0.000")).Append(" ms at ").Append(Load(best.Measurement)).Append(":</p>\n")
            .Append("<table><tr><th class=\"l\">Part</th><th>ms</th><th>share</th></tr>\n");
        foreach (var (label, value) in new[] { ("Client and network", client), ("Server queue", queue), ("Server compute (input, infer, output)", compute) })
        {
            html.Append("<tr><td class=\"l\">").Append(label).Append("</td><td>").Append(F(value, "0.000")).Append("</td><td>")
                .Append(parts.TotalMs > 0 ? F(100 * value / parts.TotalMs, "0") + "%" : "n/a").Append("</td></tr>\n");
        }

        html.Append("</table>\n<div class=\"bar\">");
        foreach (var (label, value, color) in new[] { ("client", client, "#7a7a7a"), ("queue", queue, "#d9822b"), ("compute", compute, "#2e8b57") })
        {
            var share = parts.TotalMs > 0 ? 100 * value / parts.TotalMs : 0;
            html.Append("<div style=\"width:").Append(F(share, "0.##")).Append("%;background:").Append(color).Append("\">")
                .Append(label).Append("</div>");
        }

        html.Append("</div>\n");
    }

    private static void Image(StringBuilder html, string title, byte[] png, int width) =>
        html.Append("<h2>").Append(E(title)).Append("</h2>\n<img alt=\"").Append(E(title)).Append("\" width=\"").Append(width)
            .Append("\" src=\"data:image/png;base64,").Append(Convert.ToBase64String(png)).Append("\">\n");

    private static void SummaryRow(StringBuilder html, string stage, AnalyzedMeasurement? m, double defaultThroughput)
    {
        html.Append("<tr><td class=\"l\">").Append(E(stage)).Append("</td>");
        if (m is null)
        {
            html.Append("<td class=\"l\" colspan=\"5\">no measurement within the constraints</td></tr>\n");
            return;
        }

        html.Append("<td class=\"l\">").Append(E(m.Config.Name)).Append("</td><td>").Append(Load(m.Measurement))
            .Append("</td><td>").Append(F(m.Stats.ThroughputPerSec, "0.0")).Append("</td><td>").Append(F(m.Stats.P99Ms, "0.000"))
            .Append("</td><td>")
            .Append(defaultThroughput > 0 ? F(m.Stats.ThroughputPerSec / defaultThroughput, "0.00") + "x" : "n/a")
            .Append("</td></tr>\n");
    }

    private static string Settings(ProfiledConfig c) =>
        $"{c.InstanceCount}:{c.InstanceKind} instance(s), dynamic batching {(c.DynamicBatching ? (c.PreferredBatchSizes.Count > 0 ? string.Join(", ", c.PreferredBatchSizes) : "on") : "off")}, max batch {c.MaxBatchSize}"
        + (c.BackendParameters is { Count: > 0 } p ? ", " + string.Join(", ", p.Select(kv => $"{kv.Key}={kv.Value}")) : "");

    private static string Load(ProfileMeasurement m) =>
        (m.RequestRate is { } rate ? F(rate, "0.##") + "/s" : m.Concurrency.ToString(CultureInfo.InvariantCulture)) + (m.BatchSize > 1 ? $" (batch {m.BatchSize})" : "");

    private static string E(string text) => WebUtility.HtmlEncode(text);

    private static string F(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);
}
