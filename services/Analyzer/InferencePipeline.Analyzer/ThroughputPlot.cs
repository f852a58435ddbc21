using System.Globalization;
using InferencePipeline.Contracts;
using ScottPlot;

namespace InferencePipeline.Analyzer;

/// <summary>
/// <c>Optimal_Results.png</c>, the seed's plot: throughput against concurrency, one line per stage of the
/// pipeline (default config, ORT-tuned, best Triton config), so the gain of each step is visible at a glance.
/// Concurrency sweeps double (1, 2, 4 ... 128), so the x axis is log2 with the measured values as ticks.
/// </summary>
public static class ThroughputPlot
{
    public const int Width = 1000;
    public const int Height = 600;

    public static byte[] Render(ResultsAnalysis analysis)
    {
        var plot = new Plot();
        var concurrencies = new SortedSet<int>();

        var defaultLine = LongestLine(analysis, ConfigVariant.Default);
        var ortLine = LongestLine(analysis, ConfigVariant.OrtTuned);
        var bestLine = analysis.LineOf(analysis.Best.Config.Name);

        AddLine(plot, defaultLine, "Default config", Colors.Gray, concurrencies);
        AddLine(plot, ortLine, "ORT-tuned", Colors.DarkOrange, concurrencies);
        AddLine(plot, bestLine, $"Best Triton config ({analysis.Best.Config.Name})", Colors.SeaGreen, concurrencies);

        var best = analysis.Best;
        var marker = plot.Add.Marker(Math.Log2(best.Measurement.Concurrency), best.Stats.ThroughputPerSec, MarkerShape.OpenCircle, 16, Colors.Red);
        marker.LegendText = "Chosen";
        var label = plot.Add.Text(
            $"{best.Stats.ThroughputPerSec:0} infer/s, p99 {best.Stats.P99Ms:0.##} ms",
            Math.Log2(best.Measurement.Concurrency), best.Stats.ThroughputPerSec);
        label.LabelFontSize = 12;
        label.LabelFontColor = Colors.Red;
        label.OffsetY = -14;
        // A label centred on the last point would run off the right edge.
        label.LabelAlignment = best.Measurement.Concurrency == analysis.Measurements.Max(m => m.Measurement.Concurrency)
            ? Alignment.LowerRight
            : Alignment.LowerCenter;

        var ticks = concurrencies.ToArray();
        plot.Axes.Bottom.SetTicks(
            ticks.Select(c => Math.Log2(c)).ToArray(),
            ticks.Select(c => c.ToString(CultureInfo.InvariantCulture)).ToArray());
        plot.Axes.Margins(bottom: 0);
        plot.Axes.SetLimitsY(0, Math.Max(1, analysis.Measurements.Max(m => m.Stats.ThroughputPerSec)) * 1.15);

        plot.Title($"{analysis.ModelName}: throughput vs concurrency ({ConstraintCheck.Describe(analysis.Constraints)})");
        plot.XLabel("Concurrency (requests in flight)");
        plot.YLabel("Throughput (infer/sec)");
        plot.ShowLegend(Alignment.UpperLeft);

        return plot.GetImageBytes(Width, Height, ImageFormat.Png);
    }

    /// <summary>The variant's config with the most points (there is normally exactly one default and one tuned config).</summary>
    private static IReadOnlyList<AnalyzedMeasurement> LongestLine(ResultsAnalysis analysis, ConfigVariant variant)
    {
        var name = analysis.Measurements
            .Where(m => m.Config.Variant == variant)
            .GroupBy(m => m.Config.Name)
            .MaxBy(g => g.Count())?.Key;
        return name is null ? [] : analysis.LineOf(name);
    }

    private static void AddLine(Plot plot, IReadOnlyList<AnalyzedMeasurement> line, string label, Color color, SortedSet<int> concurrencies)
    {
        if (line.Count == 0)
        {
            return;
        }

        foreach (var point in line)
        {
            concurrencies.Add(point.Measurement.Concurrency);
        }

        var scatter = plot.Add.Scatter(
            line.Select(m => Math.Log2(m.Measurement.Concurrency)).ToArray(),
            line.Select(m => m.Stats.ThroughputPerSec).ToArray(),
            color);
        scatter.LegendText = label;
        scatter.LineWidth = 2.5f;
        scatter.MarkerSize = 8;
    }
}
