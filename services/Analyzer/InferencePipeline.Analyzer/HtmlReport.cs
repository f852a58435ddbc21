using System.Globalization;
using System.Net;
using System.Text;

namespace InferencePipeline.Analyzer;

/// <summary>
/// <c>report.html</c>: one self-contained page (plot embedded as base64, inline CSS) that can be mailed or
/// attached to a ticket: the three stages side by side with their speedups, the plot, every measurement,
/// and the chosen config.pbtxt.
/// </summary>
public static class HtmlReport
{
    public static string Write(ResultsAnalysis analysis, byte[] plotPng, string? bestConfigText, string bestConfigLocation)
    {
        var best = analysis.Best;
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
            .Append("<title>").Append(E(analysis.ModelName)).Append(" — inference pipeline report</title>")
            .Append("<style>body{font-family:sans-serif;margin:2em;max-width:1100px}table{border-collapse:collapse;margin:1em 0}")
            .Append("th,td{border:1px solid #ccc;padding:4px 8px;text-align:right}th{background:#f3f3f3}td.l,th.l{text-align:left}")
            .Append("tr.best{background:#e6f6ea;font-weight:bold}tr.fail{color:#999}pre{background:#f6f6f6;padding:1em;overflow:auto}</style>")
            .Append("</head><body>\n");

        html.Append("<h1>").Append(E(analysis.ModelName)).Append("</h1>\n<p>Constraints: ")
            .Append(E(ConstraintCheck.Describe(analysis.Constraints)))
            .Append(". Throughputs are the best measured within the constraints.</p>\n");

        html.Append("<h2>Summary</h2>\n<table><tr><th class=\"l\">Stage</th><th class=\"l\">Config</th><th>Concurrency</th>")
            .Append("<th>Throughput (infer/sec)</th><th>p99 latency (ms)</th><th>Speedup vs default</th></tr>\n");
        SummaryRow(html, "Default", analysis.BestDefault, analysis.DefaultThroughputPerSec);
        SummaryRow(html, "ORT-tuned", analysis.BestOrtTuned, analysis.DefaultThroughputPerSec);
        SummaryRow(html, "Triton-tuned (chosen)", best, analysis.DefaultThroughputPerSec);
        html.Append("</table>\n");

        html.Append("<h2>Throughput vs concurrency</h2>\n<img alt=\"Throughput vs concurrency\" width=\"")
            .Append(ThroughputPlot.Width).Append("\" src=\"data:image/png;base64,")
            .Append(Convert.ToBase64String(plotPng)).Append("\">\n");

        html.Append("<h2>Chosen config</h2>\n<p>").Append(E(best.Config.Name)).Append(": ")
            .Append(best.Config.InstanceCount).Append(" instance(s), dynamic batching ")
            .Append(best.Config.DynamicBatching ? E(string.Join(", ", best.Config.PreferredBatchSizes)) : "off")
            .Append(", max batch ").Append(best.Config.MaxBatchSize).Append(". Location: <code>")
            .Append(E(bestConfigLocation)).Append("</code></p>\n<pre>")
            .Append(E(bestConfigText ?? "(config.pbtxt not found at " + best.Config.ConfigUri + ")"))
            .Append("</pre>\n");

        html.Append("<h2>All measurements</h2>\n<table><tr>");
        foreach (var header in MetricsCsv.Headers)
        {
            html.Append("<th>").Append(E(header)).Append("</th>");
        }

        html.Append("<th>p50 Latency (ms)</th><th>Stable</th></tr>\n");
        foreach (var row in analysis.Measurements)
        {
            var css = ReferenceEquals(row, best) ? " class=\"best\"" : row.SatisfiesConstraints ? "" : " class=\"fail\"";
            var c = row.Config;
            html.Append("<tr").Append(css).Append("><td class=\"l\">").Append(E(analysis.ModelName)).Append("</td><td>1</td><td>")
                .Append(row.Measurement.Concurrency).Append("</td><td class=\"l\">").Append(E(c.Name)).Append("</td><td>")
                .Append(c.InstanceCount).Append(":CPU</td><td>")
                .Append(c.DynamicBatching ? E(string.Join(" ", c.PreferredBatchSizes)) : "Disabled").Append("</td><td>")
                .Append(row.SatisfiesConstraints ? "Yes" : "No").Append("</td><td>")
                .Append(F(row.Stats.ThroughputPerSec, "0.0")).Append("</td><td>")
                .Append(F(row.Stats.P99Ms, "0.000")).Append("</td><td>")
                .Append(F(row.Stats.P50Ms, "0.000")).Append("</td><td>")
                .Append(row.Stats.Stable ? "yes" : "no").Append("</td></tr>\n");
        }

        html.Append("</table>\n</body></html>\n");
        return html.ToString();
    }

    private static void SummaryRow(StringBuilder html, string stage, AnalyzedMeasurement? m, double defaultThroughput)
    {
        html.Append("<tr><td class=\"l\">").Append(E(stage)).Append("</td>");
        if (m is null)
        {
            html.Append("<td class=\"l\" colspan=\"5\">no measurement within the constraints</td></tr>\n");
            return;
        }

        html.Append("<td class=\"l\">").Append(E(m.Config.Name)).Append("</td><td>").Append(m.Measurement.Concurrency)
            .Append("</td><td>").Append(F(m.Stats.ThroughputPerSec, "0.0")).Append("</td><td>").Append(F(m.Stats.P99Ms, "0.000"))
            .Append("</td><td>")
            .Append(defaultThroughput > 0 ? F(m.Stats.ThroughputPerSec / defaultThroughput, "0.00") + "x" : "n/a")
            .Append("</td></tr>\n");
    }

    private static string E(string text) => WebUtility.HtmlEncode(text);

    private static string F(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);
}
