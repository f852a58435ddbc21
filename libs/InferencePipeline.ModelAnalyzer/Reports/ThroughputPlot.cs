using System.Globalization;
using InferencePipeline.Contracts;
using ScottPlot;

namespace InferencePipeline.ModelAnalyzer.Reports;

/// <summary>
/// <c>Optimal_Results.png</c>, the seed's plot: throughput against concurrency, one line per stage of the pipeline
/// (default config, ORT-tuned, best Triton config) or per model's default and best config, so the gain of each step
/// is visible at a glance. Concurrency sweeps double (1, 2, 4 ... 128), so the x axis is log2 with the measured
/// values as ticks.
/// </summary>
public static class ThroughputPlot
{
    public const int Width = 1000;
    public const int Height = 600;

    private static readonly Color[] Palette = [Colors.Gray, Colors.DarkOrange, Colors.SeaGreen, Colors.SteelBlue, Colors.Purple, Colors.Brown, Colors.Olive];

    /// <summary>The pipeline's plot: its default, ORT-tuned and chosen configs.</summary>
    public static byte[] Render(ResultsAnalysis analysis)
    {
        var lines = new List<PlotLine>
        {
            new("Default config", LongestLine(analysis, ConfigVariant.Default)),
            new("ORT-tuned", LongestLine(analysis, ConfigVariant.OrtTuned)),
            new($"Best Triton config ({analysis.Best.Config.Name})", analysis.LineOf(analysis.Best.Config.Name)),
        };
        return Render($"{analysis.ModelName}: throughput vs concurrency ({analysis.Constraints.Describe()})", lines, analysis.Best);
    }

    public static byte[] Render(string title, IReadOnlyList<PlotLine> lines, AnalyzedMeasurement? chosen)
    {
        var plot = new Plot();
        var concurrencies = new SortedSet<int>();
        for (var i = 0; i < lines.Count; i++)
        {
            AddLine(plot, lines[i], Palette[i % Palette.Length], concurrencies);
        }

        var all = lines.SelectMany(l => l.Points).ToList();
        if (chosen is not null)
        {
            var marker = plot.Add.Marker(Math.Log2(chosen.Measurement.Concurrency), chosen.Stats.ThroughputPerSec, MarkerShape.OpenCircle, 16, Colors.Red);
            marker.LegendText = "Chosen";
            var label = plot.Add.Text(
                $"{chosen.Stats.ThroughputPerSec:0} infer/s, p99 {chosen.Stats.P99Ms:0.##} ms",
                Math.Log2(chosen.Measurement.Concurrency), chosen.Stats.ThroughputPerSec);
            label.LabelFontSize = 12;
            label.LabelFontColor = Colors.Red;
            label.OffsetY = -14;
            // A label centred on the last point would run off the right edge.
            label.LabelAlignment = all.Count > 0 && chosen.Measurement.Concurrency == all.Max(m => m.Measurement.Concurrency)
                ? Alignment.LowerRight
                : Alignment.LowerCenter;
        }

        var ticks = concurrencies.ToArray();
        plot.Axes.Bottom.SetTicks(
            ticks.Select(c => Math.Log2(c)).ToArray(),
            ticks.Select(c => c.ToString(CultureInfo.InvariantCulture)).ToArray());
        plot.Axes.Margins(bottom: 0);
        plot.Axes.SetLimitsY(0, Math.Max(1, all.Count == 0 ? 1 : all.Max(m => m.Stats.ThroughputPerSec)) * 1.15);

        plot.Title(title);
        plot.XLabel("Concurrency (requests in flight)");
        plot.YLabel("Throughput (infer/sec)");
        plot.ShowLegend(Alignment.UpperLeft);

        return plot.GetImageBytes(Width, Height, ImageFormat.Png);
    }

    /// <summary>The variant's config with the most points (there is normally exactly one default and one tuned config).</summary>
    public static IReadOnlyList<AnalyzedMeasurement> LongestLine(ResultsAnalysis analysis, ConfigVariant variant)
    {
        var name = analysis.Measurements
            .Where(m => m.Config.Variant == variant)
            .GroupBy(m => m.Config.Name)
            .MaxBy(g => g.Count())?.Key;
        return name is null ? [] : analysis.LineOf(name);
    }

    private static void AddLine(Plot plot, PlotLine line, Color color, SortedSet<int> concurrencies)
    {
        // One point per concurrency: a rate sweep or a second batch size would fold back over the first.
        var points = line.Points.Where(p => p.Measurement.RequestRate is null)
            .GroupBy(p => p.Measurement.Concurrency).Select(g => g.MaxBy(p => p.Stats.ThroughputPerSec)!)
            .OrderBy(p => p.Measurement.Concurrency).ToList();
        if (points.Count == 0)
        {
            return;
        }

        foreach (var point in points)
        {
            concurrencies.Add(point.Measurement.Concurrency);
        }

        var scatter = plot.Add.Scatter(
            points.Select(m => Math.Log2(m.Measurement.Concurrency)).ToArray(),
            points.Select(m => m.Stats.ThroughputPerSec).ToArray(),
            color);
        scatter.LegendText = line.Label;
        scatter.LineWidth = 2.5f;
        scatter.MarkerSize = 8;
    }
}
