using InferencePipeline.Contracts;
using InferencePipeline.ModelAnalyzer.Config;

namespace InferencePipeline.ModelAnalyzer.Reports;

/// <summary>
/// Model Analyzer's analyze step for one model: check every measurement against the constraints, then rank the
/// candidates that pass by the weighted objectives. Candidates are every config measured, the default and the ORT-tuned
/// one included, as Model Analyzer ranks them (so a pipeline never deploys a config its own baseline beat), or, without
/// <c>defaultIsCandidate</c>, only the Triton search configs.
/// </summary>
public static class ResultsRanker
{
    /// <summary>The pipeline's analysis of its profile results: the best of every measured config is what it deploys.</summary>
    /// <exception cref="AnalysisException">No search measurement exists, none meets the constraints, or an objective is unknown.</exception>
    public static ResultsAnalysis Analyze(ProfileResults results, PipelineConstraints constraints, IReadOnlyList<Objective> objectives) =>
        Analyze(results.ModelName, results.Measurements, ConstraintSet.From(constraints), objectives, defaultIsCandidate: true);

    /// <param name="topConfigs">How many configs <see cref="ResultsAnalysis.TopConfigs"/> holds; 0 for all.</param>
    public static ResultsAnalysis Analyze(
        string modelName,
        IReadOnlyList<ProfileMeasurement> measurements,
        ConstraintSet constraints,
        IReadOnlyList<Objective> objectives,
        bool defaultIsCandidate,
        int topConfigs = 0)
    {
        ObjectiveScore score;
        try
        {
            score = new ObjectiveScore(objectives);
        }
        catch (ArgumentException e)
        {
            throw new AnalysisException(e.Message);
        }

        var analyzed = measurements.Select(m => new AnalyzedMeasurement(m, constraints.Satisfies(m.Stats))).ToList();
        var pool = defaultIsCandidate || analyzed.All(m => m.Config.Variant != ConfigVariant.TritonSearch)
            ? analyzed
            : analyzed.Where(m => m.Config.Variant == ConfigVariant.TritonSearch).ToList();
        if (pool.Count == 0)
        {
            throw new AnalysisException($"There is no measurement of '{modelName}' to analyze; profile the model first.");
        }

        var candidates = pool.Where(m => m.SatisfiesConstraints).ToList();
        if (candidates.Count == 0)
        {
            var fastest = pool.MinBy(m => m.Stats.P99Ms)!;
            var highestRate = pool.MaxBy(m => m.Stats.ThroughputPerSec)!;
            throw new AnalysisException(
                $"No config of '{modelName}' meets the constraints ({constraints.Describe()}): " +
                $"the lowest p99 seen is {fastest.Stats.P99Ms:0.###} ms ({fastest.Config.Name} at concurrency {fastest.Measurement.Concurrency}) " +
                $"and the highest throughput {highestRate.Stats.ThroughputPerSec:0.#} infer/s. " +
                "Raise the latency budget, lower the throughput floor, or tune the model further.");
        }

        var best = Best(candidates, score)!;
        var top = candidates.GroupBy(m => m.Config.Name)
            .Select(g => Best(g.ToList(), score)!)
            .OrderByDescending(m => m, Comparer<AnalyzedMeasurement>.Create((a, b) => Math.Sign(score.Compare(a.Stats, b.Stats))))
            .ToList();
        if (topConfigs > 0)
        {
            top = top.Take(topConfigs).ToList();
        }

        var ordered = analyzed
            .OrderByDescending(m => m.SatisfiesConstraints)
            .ThenByDescending(m => m.Stats.ThroughputPerSec)
            .ToList();

        return new ResultsAnalysis(
            modelName,
            constraints,
            score.Objectives,
            best,
            BestThroughputInBudget(analyzed, ConfigVariant.Default),
            BestThroughputInBudget(analyzed, ConfigVariant.OrtTuned),
            top,
            ordered);
    }

    private static AnalyzedMeasurement? Best(IReadOnlyList<AnalyzedMeasurement> candidates, ObjectiveScore score)
    {
        AnalyzedMeasurement? best = null;
        foreach (var candidate in candidates)
        {
            if (best is null || score.Compare(candidate.Stats, best.Stats) > 0)
            {
                best = candidate;
            }
        }

        return best;
    }

    /// <summary>The baseline lines are compared on throughput at the budget, as the design's quality bar states.</summary>
    private static AnalyzedMeasurement? BestThroughputInBudget(IEnumerable<AnalyzedMeasurement> all, ConfigVariant variant) =>
        all.Where(m => m.Config.Variant == variant && m.SatisfiesConstraints).MaxBy(m => m.Stats.ThroughputPerSec);
}
