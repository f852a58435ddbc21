using System.Globalization;

namespace InferencePipeline.Benchmarks;

/// <summary>Prints the figures as a plain-text table (pasteable into an issue) followed by how each was measured.</summary>
public static class ReportConsole
{
    public static void Write(TextWriter output, BenchmarkReport report)
    {
        output.WriteLine();
        output.WriteLine(FormattableString.Invariant(
            $"Results ({(report.Quick ? "quick" : "default")} run, {report.Duration.TotalSeconds:0} s, {report.ProcessorCount} cores, load average before {report.LoadAverageBefore}, after {report.LoadAverageAfter})"));
        string[] header = ["Figure", "Measured", "Baseline", "Value", "Goal", "Result"];
        var rows = report.Figures
            .Select(f => new[] { f.Name, f.Subject, f.Baseline, f.ValueText, f.Goal, f.Met switch { true => "PASS", false => "MISS", null => "-" } })
            .ToList();
        var widths = Enumerable.Range(0, header.Length).Select(i => rows.Select(r => r[i].Length).Append(header[i].Length).Max()).ToArray();
        WriteRow(output, header, widths);
        WriteRow(output, widths.Select(w => new string('-', w)).ToArray(), widths);
        foreach (var row in rows)
        {
            WriteRow(output, row, widths);
        }

        output.WriteLine();
        output.WriteLine("Method:");
        foreach (var figure in report.Figures)
        {
            output.WriteLine($"- {figure.Name}: {figure.Method}");
        }

        output.WriteLine();
        output.WriteLine("Measurements:");
        foreach (var m in report.Measurements)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {m.Name,-46} c={m.Concurrency,-3} batch={m.BatchSize,-3} {m.Stats.ThroughputPerSec,9:0.0} infer/s  p50 {m.Stats.P50Ms,7:0.###} ms  p99 {m.Stats.P99Ms,7:0.###} ms  {(m.Stats.Stable ? "stable" : "not stable")}"));
        }
    }

    private static void WriteRow(TextWriter output, string[] cells, int[] widths) =>
        output.WriteLine("| " + string.Join(" | ", cells.Select((c, i) => c.PadRight(widths[i]))) + " |");
}
