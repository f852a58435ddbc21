using InferencePipeline.Analyzer;
using InferencePipeline.Artifacts;
using InferencePipeline.Contracts;
using InferencePipeline.ModelAnalyzer.Reports;

namespace InferencePipeline.Stages.Tests.Analyzer;

public sealed class AnalyzeResultsConsumerTests
{
    private static readonly PipelineConstraints Budget20Ms = new(MaxLatencyP99Ms: 20);

    [Fact]
    public async Task Picks_the_fastest_search_config_within_the_budget_and_writes_every_report_file()
    {
        await using var stage = await StageHarness.StartAsync(x => x.AddAnalyzer());
        var id = Guid.NewGuid();
        var resultsUri = await SyntheticResults.WriteAsync(stage.Store, SyntheticResults.Build(id));

        await stage.SendAndWaitAsync(new AnalyzeResults(id, SyntheticResults.ModelName, resultsUri, Budget20Ms, Objective.Default));

        Assert.Null(stage.Published<StageFailed>());
        var analyzed = Assert.IsType<ResultsAnalyzed>(stage.Published<ResultsAnalyzed>());
        Assert.Equal("bert_config_2", analyzed.Best.Name);
        Assert.Equal(8, analyzed.BestConcurrency);
        Assert.Equal(480, analyzed.BestStats.ThroughputPerSec);
        Assert.Equal(110, analyzed.DefaultThroughputPerSec); // 115/s at c=4 breaks the budget (36 ms)
        Assert.Equal(190, analyzed.OrtTunedThroughputPerSec); // 200/s at c=4 is 21 ms
        Assert.NotEmpty(stage.AllPublished<StageProgress>());

        // Model Analyzer's inference CSV: its column titles, one row per measurement, verdicts per the budget.
        Assert.Equal(ArtifactStore.UriFor(id, "analyzer", "results", "metrics-model-inference.csv"), analyzed.MetricsCsvUri);
        var lines = (await stage.Store.ReadTextAsync(analyzed.MetricsCsvUri)).TrimEnd('\n').Split('\n');
        Assert.Equal(
            "Model,Batch,Concurrency,Model Config Path,Instance Group,Max Batch Size,Satisfies Constraints,Throughput (infer/sec),p99 Latency (ms)",
            lines[0]);
        Assert.Equal(1 + 24, lines.Length);
        Assert.Contains("bert,1,8,bert_config_2,2:CPU,16,Yes,480.0,19.000", lines);
        Assert.Contains("bert,1,8,bert_config_3,2:CPU,16,No,600.0,41.000", lines);
        Assert.Contains("bert,1,1,bert_default,1:CPU,16,Yes,100.0,11.000", lines);

        // The plot is a real PNG with content, not an empty canvas.
        var png = await File.ReadAllBytesAsync(stage.Store.PathFor(analyzed.PlotUri));
        Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }, png[..8]);
        Assert.True(png.Length > 10_000, $"plot is only {png.Length} bytes");

        // Optimal_ConfigFile_Location.txt names the chosen config's directory, which holds its config.pbtxt.
        var location = (await stage.Store.ReadTextAsync(analyzed.ConfigLocationUri)).Trim();
        Assert.Equal(Path.GetDirectoryName(stage.Store.PathFor(analyzed.Best.ConfigUri)), location);
        Assert.True(File.Exists(Path.Combine(location, "config.pbtxt")));

        var report = await stage.Store.ReadTextAsync(analyzed.ReportUri);
        Assert.Contains("data:image/png;base64,", report);
        Assert.Contains("instance_group [ { count: 2 kind: KIND_CPU } ]", report);
        Assert.Contains("4.36x", report); // 480 / 110, the Triton-tuned speedup over the default in budget
    }

    [Fact]
    public async Task Fails_naming_the_budget_and_the_lowest_p99_when_nothing_fits()
    {
        await using var stage = await StageHarness.StartAsync(x => x.AddAnalyzer());
        var id = Guid.NewGuid();
        var resultsUri = await SyntheticResults.WriteAsync(stage.Store, SyntheticResults.Build(id));

        await stage.SendAndWaitAsync(new AnalyzeResults(id, SyntheticResults.ModelName, resultsUri, new PipelineConstraints(MaxLatencyP99Ms: 2), Objective.Default));

        Assert.Null(stage.Published<ResultsAnalyzed>());
        var failed = Assert.IsType<StageFailed>(stage.Published<StageFailed>());
        Assert.Equal(PipelineStage.Analyzing, failed.Stage);
        Assert.Contains("p99 <= 2 ms", failed.Reason);
        Assert.Contains("lowest p99 seen is 7 ms (bert_ort at concurrency 1)", failed.Reason);
        Assert.False(stage.Store.Exists(ArtifactStore.UriFor(id, "analyzer", "report.html")));
    }

    [Theory]
    [InlineData("artifacts/{0}/profiler/missing.json", "do not exist")]
    [InlineData("artifacts/{0}/../../../etc/passwd", "'..'")]
    [InlineData("/etc/passwd", "starts with 'artifacts/'")]
    public async Task Fails_without_retrying_on_a_results_uri_it_cannot_read(string uriFormat, string expected)
    {
        await using var stage = await StageHarness.StartAsync(x => x.AddAnalyzer());
        var id = Guid.NewGuid();
        var uri = string.Format(uriFormat, id.ToString("N"));

        await stage.SendAndWaitAsync(new AnalyzeResults(id, "bert", uri, Budget20Ms, Objective.Default));

        var failed = Assert.IsType<StageFailed>(stage.Published<StageFailed>());
        Assert.Contains(uri, failed.Reason);
        Assert.Contains(expected, failed.Reason, StringComparison.OrdinalIgnoreCase);
        Assert.Single(stage.Harness.Consumed.Select<AnalyzeResults>()); // a StageFailed, not an exception to retry
        Assert.Empty(stage.Harness.Published.Select<MassTransit.Fault<AnalyzeResults>>());
    }

    [Fact]
    public async Task Fails_on_a_corrupt_results_file()
    {
        await using var stage = await StageHarness.StartAsync(x => x.AddAnalyzer());
        var id = Guid.NewGuid();
        var uri = ArtifactStore.UriFor(id, "profiler", "results.json");
        await stage.Store.WriteTextAsync(uri, "{ \"measurements\": [ {\"config\": ");

        await stage.SendAndWaitAsync(new AnalyzeResults(id, "bert", uri, Budget20Ms, Objective.Default));

        var failed = Assert.IsType<StageFailed>(stage.Published<StageFailed>());
        Assert.Contains("not a valid results file", failed.Reason);
    }
}
