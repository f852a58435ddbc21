using System.Text;
using InferencePipeline.Contracts;
using InferencePipeline.ModelAnalyzer.Config;

namespace InferencePipeline.ModelAnalyzer.Reports;

/// <summary>
/// <c>results/metrics-model-inference.csv</c> as Model Analyzer exports it: one column per output field (Model
/// Analyzer's titles, in the order given; its default fields when none are), one row per measurement, models in
/// turn, each model's rows best first. With a top-N limit only the N best configs' rows are written — and the
/// default config's, always, so every report keeps its baseline. Differences, on purpose: latency keeps three
/// decimals instead of one because CPU latencies are often below a millisecond.
/// </summary>
public static class MetricsCsv
{
    /// <summary>The column titles for Model Analyzer's default inference fields.</summary>
    public static IReadOnlyList<string> Headers { get; } = ModelAnalyzerConfig.DefaultInferenceOutputFields.Select(f => OutputFields.Header(f)!).ToList();

    /// <summary>The pipeline's CSV: one model, the default fields, every row.</summary>
    public static string Write(ResultsAnalysis analysis) =>
        Write([analysis], ModelAnalyzerConfig.DefaultInferenceOutputFields, topConfigs: 0, new List<string>());

    public static string Write(IReadOnlyList<ResultsAnalysis> analyses, IReadOnlyList<string> fields, int topConfigs, ICollection<string> warnings)
    {
        var usable = OutputFields.Usable(fields, "Inference", warnings);
        var csv = new StringBuilder();
        csv.AppendJoin(',', usable.Select(f => Field(OutputFields.Header(f)!))).Append('\n');
        foreach (var analysis in analyses)
        {
            foreach (var row in Rows(analysis, topConfigs))
            {
                csv.AppendJoin(',', usable.Select(f => Field(OutputFields.Value(f, analysis.ModelName, row)))).Append('\n');
            }
        }

        return csv.ToString();
    }

    /// <summary>The rows reported for a model: every measurement, or the top configs' and the default config's.</summary>
    public static IReadOnlyList<AnalyzedMeasurement> Rows(ResultsAnalysis analysis, int topConfigs)
    {
        if (topConfigs <= 0)
        {
            return analysis.Measurements;
        }

        var kept = analysis.TopConfigs.Take(topConfigs).Select(m => m.Config.Name).ToHashSet(StringComparer.Ordinal);
        return analysis.Measurements.Where(m => kept.Contains(m.Config.Name) || m.Config.Variant == ConfigVariant.Default).ToList();
    }

    /// <summary>RFC 4180 quoting for the free-text fields (config names come from users).</summary>
    public static string Field(string value) =>
        value.IndexOfAny([',', '"', '\n', '\r']) < 0 ? value : "\"" + value.Replace("\"", "\"\"") + "\"";
}
