using System.Globalization;
using System.Text;
using System.Text.Json;

namespace InferencePipeline.Benchmarks;

/// <summary>Writes a run as results.json (everything) and results.csv (one row per figure) for tracking over time.</summary>
public static class ReportFiles
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    public static async Task<IReadOnlyList<string>> WriteAsync(string directory, BenchmarkReport report)
    {
        Directory.CreateDirectory(directory);
        var jsonPath = Path.Combine(directory, "results.json");
        await File.WriteAllTextAsync(jsonPath, JsonSerializer.Serialize(report, Json));

        var csv = new StringBuilder("figure,measured,baseline,value,goal,met\n");
        foreach (var f in report.Figures)
        {
            csv.Append(string.Join(',',
                Quote(f.Name),
                Quote(f.Subject),
                Quote(f.Baseline),
                f.Value.ToString("0.######", CultureInfo.InvariantCulture),
                Quote(f.Goal),
                f.Met switch { true => "true", false => "false", null => "" }));
            csv.Append('\n');
        }

        var csvPath = Path.Combine(directory, "results.csv");
        await File.WriteAllTextAsync(csvPath, csv.ToString());
        return [jsonPath, csvPath];
    }

    private static string Quote(string text) => $"\"{text.Replace("\"", "\"\"", StringComparison.Ordinal)}\"";
}
