using System.Globalization;
using InferencePipeline.Contracts;

namespace InferencePipeline.ModelAnalyzer.Reports;

/// <summary>
/// Model Analyzer's summary sentence: "In N measurements across M configurations, X is Y% better than the default
/// configuration at maximizing throughput, under the given constraints." — or says that the default is the best,
/// or that no default configuration meets the constraints or was measured.
/// </summary>
public static class SummarySentence
{
    public static string For(ResultsAnalysis analysis)
    {
        var n = analysis.Measurements.Count;
        var m = analysis.ConfigCount;
        var opening = $"In {n} measurement{(n == 1 ? "" : "s")} across {m} configuration{(m == 1 ? "" : "s")}, ";
        var goal = Goal(analysis.Objectives);
        var constraints = analysis.Constraints.Constraints.Count == 0 ? "" : $", under the given constraints ({analysis.Constraints.Describe()})";
        var best = analysis.Best;
        var defaultBest = BestDefault(analysis);
        if (best.Config.Variant == ConfigVariant.Default)
        {
            return $"{opening}the default configuration {best.Config.Name} is the best at {goal}{constraints}.";
        }

        if (defaultBest is null)
        {
            var measured = analysis.Measurements.Any(x => x.Config.Variant == ConfigVariant.Default);
            return $"{opening}{best.Config.Name} is the best at {goal}{constraints}; " +
                   (measured ? "the default configuration meets none of the constraints." : "no default configuration was measured to compare with.");
        }

        var gain = new ObjectiveScore(analysis.Objectives).GainOver(best.Stats, defaultBest.Stats) * 100;
        return $"{opening}{best.Config.Name} is {gain.ToString("0", CultureInfo.InvariantCulture)}% better than the default configuration at {goal}{constraints}.";
    }

    /// <summary>The default config's best measurement within the constraints, by the objectives.</summary>
    public static AnalyzedMeasurement? BestDefault(ResultsAnalysis analysis)
    {
        var score = new ObjectiveScore(analysis.Objectives);
        AnalyzedMeasurement? best = null;
        foreach (var m in analysis.Measurements.Where(x => x.Config.Variant == ConfigVariant.Default && x.SatisfiesConstraints))
        {
            if (best is null || score.Compare(m.Stats, best.Stats) > 0)
            {
                best = m;
            }
        }

        return best;
    }

    private static string Goal(IReadOnlyList<Objective> objectives)
    {
        if (objectives.Count == 1)
        {
            return objectives[0].Metric switch
            {
                Metrics.Throughput => "maximizing throughput",
                var metric => $"minimizing {Metrics.Find(metric)?.Header.Replace(" (ms)", "", StringComparison.Ordinal) ?? metric}",
            };
        }

        return "meeting the objectives (" + string.Join(", ", objectives.Select(o => $"{o.Metric} × {o.Weight.ToString("0.##", CultureInfo.InvariantCulture)}")) + ")";
    }
}
