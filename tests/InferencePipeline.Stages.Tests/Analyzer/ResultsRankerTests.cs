using InferencePipeline.Analyzer;
using InferencePipeline.Contracts;
using InferencePipeline.ModelAnalyzer.Reports;

namespace InferencePipeline.Stages.Tests.Analyzer;

public sealed class ResultsRankerTests
{
    private static readonly ProfileResults Results = SyntheticResults.Build(Guid.NewGuid());

    [Fact]
    public void Without_a_budget_the_highest_throughput_wins()
    {
        var analysis = ResultsRanker.Analyze(Results, PipelineConstraints.None, Objective.Default);

        Assert.Equal("bert_config_3", analysis.Best.Config.Name);
        Assert.Equal(600, analysis.BestThroughputPerSec);
        Assert.All(analysis.Measurements, m => Assert.True(m.SatisfiesConstraints));
    }

    [Fact]
    public void A_throughput_floor_is_a_constraint_too()
    {
        var analysis = ResultsRanker.Analyze(Results, new PipelineConstraints(MinThroughput: 150), Objective.Default);

        Assert.Null(analysis.BestDefault); // the default never reaches 150/s
        Assert.Equal(0, analysis.DefaultThroughputPerSec);
        Assert.Equal(205, analysis.OrtTunedThroughputPerSec);
    }

    [Fact]
    public void A_latency_objective_picks_the_lowest_p99_in_budget()
    {
        var analysis = ResultsRanker.Analyze(Results, new PipelineConstraints(MaxLatencyP99Ms: 20), [new Objective(Objective.LatencyP99, 1)]);

        var lowest = analysis.Measurements.Min(m => m.Stats.P99Ms);
        Assert.Equal(lowest, analysis.Best.Stats.P99Ms);
        // The ORT-tuned config alone at concurrency 1 has the lowest p99 of all: a baseline line can be the best.
        Assert.Equal(ConfigVariant.OrtTuned, analysis.Best.Config.Variant);
    }

    [Fact]
    public void A_search_that_only_finds_configs_slower_than_the_default_deploys_the_default()
    {
        var slowSearch = new ProfileResults(Results.PipelineId, Results.ModelName, Results.Measurements
            .Select(m => m.Config.Variant == ConfigVariant.TritonSearch ? m with { Stats = m.Stats with { ThroughputPerSec = m.Stats.ThroughputPerSec / 10 } } : m)
            .Where(m => m.Config.Variant != ConfigVariant.OrtTuned)
            .ToList());

        var analysis = ResultsRanker.Analyze(slowSearch, PipelineConstraints.None, Objective.Default);

        Assert.Equal(ConfigVariant.Default, analysis.Best.Config.Variant);
        Assert.Equal(analysis.DefaultThroughputPerSec, analysis.BestThroughputPerSec);
    }

    [Fact]
    public void Relative_gains_weigh_throughput_against_latency_like_model_analyzer()
    {
        var score = new ObjectiveScore([new Objective(Objective.Throughput, 1), new Objective(Objective.LatencyP99, 1)]);
        var fastButSlow = Stats(throughput: 200, p99: 10);
        var slowButQuick = Stats(throughput: 100, p99: 5);

        // +66.7% throughput against -66.7% latency with equal weights: neither is better.
        Assert.Equal(0, score.Compare(fastButSlow, slowButQuick), precision: 9);
        // Triple the throughput weight and the faster one wins.
        var throughputFirst = new ObjectiveScore([new Objective(Objective.Throughput, 3), new Objective(Objective.LatencyP99, 1)]);
        Assert.True(throughputFirst.Compare(fastButSlow, slowButQuick) > 0);
        Assert.True(throughputFirst.Compare(slowButQuick, fastButSlow) < 0);
    }

    [Fact]
    public void An_unknown_objective_is_a_clear_error()
    {
        var e = Assert.Throws<AnalysisException>(() =>
            ResultsRanker.Analyze(Results, PipelineConstraints.None, [new Objective("gpu_used_memory", 1)]));

        Assert.Contains("gpu_used_memory", e.Message);
        Assert.Contains("perf_throughput", e.Message);
    }

    private static LatencyStats Stats(double throughput, double p99) => new(throughput, p99, p99, p99, p99, p99, 100, true);
}
