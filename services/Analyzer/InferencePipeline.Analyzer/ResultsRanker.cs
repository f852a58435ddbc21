using InferencePipeline.Contracts;

namespace InferencePipeline.Analyzer;

/// <summary>
/// Model Analyzer's analyze step: check every measurement against the constraints, then pick among the
/// Triton-search measurements that pass the one the weighted objectives rank first.
/// </summary>
public static class ResultsRanker
{
    /// <exception cref="AnalysisException">No search measurement exists, none meets the constraints, or an objective is unknown.</exception>
    public static ResultsAnalysis Analyze(ProfileResults results, PipelineConstraints constraints, IReadOnlyList<Objective> objectives)
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

        var analyzed = results.Measurements
            .Select(m => new AnalyzedMeasurement(m, ConstraintCheck.Satisfies(m.Stats, constraints)))
            .ToList();

        var search = analyzed.Where(m => m.Config.Variant == ConfigVariant.TritonSearch).ToList();
        if (search.Count == 0)
        {
            throw new AnalysisException(
                $"The profile results of '{results.ModelName}' hold no Triton search measurement ({analyzed.Count} measurement(s) in all); " +
                "profile again with a search space that has at least one instance count and concurrency.");
        }

        var candidates = search.Where(m => m.SatisfiesConstraints).ToList();
        if (candidates.Count == 0)
        {
            var fastest = search.MinBy(m => m.Stats.P99Ms)!;
            var highestRate = search.MaxBy(m => m.Stats.ThroughputPerSec)!;
            throw new AnalysisException(
                $"No Triton config of '{results.ModelName}' meets the constraints ({ConstraintCheck.Describe(constraints)}): " +
                $"the lowest p99 seen is {fastest.Stats.P99Ms:0.###} ms ({fastest.Config.Name} at concurrency {fastest.Measurement.Concurrency}) " +
                $"and the highest throughput {highestRate.Stats.ThroughputPerSec:0.#} infer/s. " +
                "Raise the latency budget, lower the throughput floor, or tune the model further.");
        }

        var best = candidates[0];
        foreach (var candidate in candidates.Skip(1))
        {
            if (score.Compare(candidate.Stats, best.Stats) > 0)
            {
                best = candidate;
            }
        }

        var ordered = analyzed
            .OrderByDescending(m => m.SatisfiesConstraints)
            .ThenByDescending(m => m.Stats.ThroughputPerSec)
            .ToList();

        return new ResultsAnalysis(
            results.ModelName,
            constraints,
            best,
            BestThroughputInBudget(analyzed, ConfigVariant.Default),
            BestThroughputInBudget(analyzed, ConfigVariant.OrtTuned),
            ordered);
    }

    /// <summary>The baseline lines are compared on throughput at the budget, as the design's quality bar states.</summary>
    private static AnalyzedMeasurement? BestThroughputInBudget(IEnumerable<AnalyzedMeasurement> all, ConfigVariant variant) =>
        all.Where(m => m.Config.Variant == variant && m.SatisfiesConstraints).MaxBy(m => m.Stats.ThroughputPerSec);
}
