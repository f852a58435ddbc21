using InferencePipeline.Cli.Composition;
using InferencePipeline.ModelRepository;

namespace InferencePipeline.EndToEndTests;

/// <summary>What every successful run must leave behind: the seed's three report files and a valid best config.</summary>
public static class ReportChecks
{
    private static readonly byte[] PngMagic = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    public static void AssertReportWritten(PipelineOutcome outcome, Func<string, string> localPath)
    {
        Assert.True(outcome.Succeeded, $"pipeline did not complete: {outcome.Failed?.Reason ?? outcome.Cancelled?.Reason}");
        var analyzed = Assert.IsType<InferencePipeline.Contracts.ResultsAnalyzed>(outcome.Analyzed);

        var csv = File.ReadAllLines(localPath(analyzed.MetricsCsvUri));
        Assert.Contains("Concurrency", csv[0]);
        Assert.Contains("Throughput", csv[0]);
        Assert.True(csv.Length >= 2, "the metrics CSV has no measurement rows");

        var png = File.ReadAllBytes(localPath(analyzed.PlotUri));
        Assert.Equal(PngMagic, png.Take(8));
        Assert.True(png.Length > 4096, $"the plot is only {png.Length} bytes");

        var location = File.ReadAllText(localPath(analyzed.ConfigLocationUri)).Trim();
        Assert.True(Directory.Exists(location), $"Optimal_ConfigFile_Location.txt names '{location}', which does not exist");
        var best = ModelConfigFile.Read(Path.Combine(location, "config.pbtxt"));
        Assert.Equal(analyzed.Best.InstanceCount, best.InstanceGroup.Sum(g => g.Count));

        Assert.True(File.Exists(localPath(analyzed.ReportUri)), "no HTML report");
        Assert.NotEmpty(outcome.Measurements);
        Assert.All(outcome.Measurements, m => Assert.True(m.Stats.ThroughputPerSec > 0, $"{m.Config.Name}@{m.Concurrency} measured nothing"));
    }
}
