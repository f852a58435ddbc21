using ScottPlot;

namespace InferencePipeline.ModelAnalyzer.Reports;

/// <summary>
/// Model Analyzer's "throughput vs p99 latency" plot: one line per config (the top configs and the default), each
/// point a load it was measured at, so the throughput a config buys at a given latency can be read off; the
/// latency budget, when there is one, is drawn as a vertical line.
/// </summary>
public static class ThroughputLatencyPlot
{
    public const int Width = 1000;
    public const int Height = 600;

    private static readonly Color[] Palette =
        [Colors.Gray, Colors.SeaGreen, Colors.SteelBlue, Colors.DarkOrange, Colors.Purple, Colors.Brown, Colors.Olive, Colors.Teal];

    public static byte[] Render(ResultsAnalysis analysis, int maxConfigs = 5)
    {
        var plot = new Plot();
        var defaultName = analysis.Measurements.FirstOrDefault(m => m.Config.Variant == Contracts.ConfigVariant.Default)?.Config.Name;
        var names = analysis.TopConfigs.Take(maxConfigs).Select(m => m.Config.Name).ToList();
        if (defaultName is not null && !names.Contains(defaultName))
        {
            names.Insert(0, defaultName);
        }

        for (var i = 0; i < names.Count; i++)
        {
            var points = analysis.LineOf(names[i]).OrderBy(p => p.Stats.P99Ms).ToList();
            var scatter = plot.Add.Scatter(points.Select(p => p.Stats.P99Ms).ToArray(), points.Select(p => p.Stats.ThroughputPerSec).ToArray(), Palette[i % Palette.Length]);
            scatter.LegendText = names[i] == defaultName ? $"{names[i]} (default)" : names[i];
            scatter.LineWidth = names[i] == analysis.Best.Config.Name ? 3.5f : 2f;
            scatter.MarkerSize = 7;
        }

        var budget = analysis.Constraints.Constraints.FirstOrDefault(c => c.Metric is Metrics.LatencyP99 or "perf_latency")?.Max;
        if (budget is { } limit)
        {
            var line = plot.Add.VerticalLine(limit, 1.5f, Colors.Red);
            line.LinePattern = LinePattern.Dashed;
            line.LegendText = $"p99 budget {limit:0.##} ms";
        }

        plot.Title($"{analysis.ModelName}: throughput vs p99 latency");
        plot.XLabel("p99 latency (ms)");
        plot.YLabel("Throughput (infer/sec)");
        plot.Axes.SetLimitsY(0, Math.Max(1, analysis.Measurements.Max(m => m.Stats.ThroughputPerSec)) * 1.15);
        plot.ShowLegend(Alignment.LowerRight);
        return plot.GetImageBytes(Width, Height, ImageFormat.Png);
    }
}
