using InferencePipeline.Contracts;
using InferencePipeline.ModelAnalyzer.Checkpoints;
using InferencePipeline.ModelAnalyzer.Config;
using InferencePipeline.ModelAnalyzer.Reports;
using InferencePipeline.ModelRepository;
using Spectre.Console;

namespace InferencePipeline.Cli.Profiling;

/// <summary>
/// <c>inferpipe analyze -f FILE</c>: reads the profile's checkpoint and, for each model of <c>analysis_models</c>, ranks
/// its measurements under the constraints and objectives; writes Model Analyzer's CSVs under <c>export_path/results</c>,
/// a self-contained summary report per model under <c>export_path/reports/summaries/&lt;model&gt;/</c>, and the seed's
/// <c>Optimal_Results.png</c> and <c>Optimal_ConfigFile_Location.txt</c> in <c>export_path</c>.
/// </summary>
public sealed class AnalyzeRun(IAnsiConsole console)
{
    public const string Plot = "Optimal_Results.png";
    public const string Location = "Optimal_ConfigFile_Location.txt";
    public const string Summary = "result_summary.html";

    /// <param name="checkpointDirectory">Overrides the file's checkpoint_directory when given.</param>
    /// <param name="exportPath">Overrides the file's export_path when given.</param>
    public async Task<int> RunAsync(string file, string? checkpointDirectory, string? exportPath, CancellationToken cancellationToken)
    {
        var warnings = new List<string>();
        ModelAnalyzerConfig config;
        CheckpointDocument checkpoint;
        try
        {
            config = ModelAnalyzerYaml.Load(file, Directory.GetCurrentDirectory(), warnings);
            config = config with
            {
                CheckpointDirectory = checkpointDirectory is null ? config.CheckpointDirectory : Path.GetFullPath(checkpointDirectory),
                ExportPath = exportPath is null ? config.ExportPath : Path.GetFullPath(exportPath),
            };
            checkpoint = CheckpointFile.Read(CheckpointFile.PathIn(config.CheckpointDirectory));
        }
        catch (Exception e) when (e is ModelAnalyzerConfigException or CheckpointException)
        {
            Warn(warnings);
            console.MarkupLine($"[red]{Markup.Escape(e.Message)}[/]");
            return 2;
        }

        var names = config.AnalysisModels.Count > 0 ? config.AnalysisModels.Select(m => m.Name).ToList()
            : config.ProfileModels.Count > 0 ? config.ProfileModels.Select(m => m.Name).ToList()
            : checkpoint.Measurements.Select(m => m.Model).Distinct().ToList();
        var analyses = new List<ResultsAnalysis>();
        foreach (var name in names)
        {
            var measurements = checkpoint.Measurements.Where(r => r.Model == name)
                .GroupBy(r => (r.Identity, r.BatchSize, r.Concurrency, r.RequestRate)).Select(g => g.Last())
                .OrderBy(r => r.Index).Select(r => r.Measurement).ToList();
            if (measurements.Count == 0)
            {
                Warn(warnings);
                console.MarkupLine($"[red]The checkpoint {Markup.Escape(CheckpointFile.PathIn(config.CheckpointDirectory))} holds no measurement of model '{Markup.Escape(name)}'[/] " +
                                   $"(it has {Markup.Escape(string.Join(", ", checkpoint.Models.Keys))}). Profile it first, or fix analysis_models.");
                return 2;
            }

            try
            {
                analyses.Add(ResultsRanker.Analyze(name, measurements, config.ConstraintsFor(name), config.ObjectivesFor(name), defaultIsCandidate: true, config.NumTopModelConfigs));
            }
            catch (AnalysisException e)
            {
                Warn(warnings);
                console.MarkupLine($"[red]{Markup.Escape(e.Message)}[/]");
                return 1;
            }
        }

        var files = await ExportAsync(config, analyses, warnings, cancellationToken);
        Warn(warnings);
        foreach (var analysis in analyses)
        {
            console.MarkupLine($"[bold]{Markup.Escape(analysis.ModelName)}[/]: {Markup.Escape(SummarySentence.For(analysis))}");
        }

        foreach (var path in files)
        {
            console.MarkupLine($"Wrote {Markup.Escape(path)}");
        }

        return 0;
    }

    private static async Task<IReadOnlyList<string>> ExportAsync(
        ModelAnalyzerConfig config, IReadOnlyList<ResultsAnalysis> analyses, List<string> warnings, CancellationToken ct)
    {
        var written = new List<string>();
        var results = Path.Combine(config.ExportPath, "results");
        Directory.CreateDirectory(results);
        var inference = Path.Combine(results, config.FilenameModelInference);
        await File.WriteAllTextAsync(inference, MetricsCsv.Write(analyses, config.InferenceOutputFields, config.NumTopModelConfigs, warnings), ct);
        var serverOnly = Path.Combine(results, config.FilenameServerOnly);
        await File.WriteAllTextAsync(serverOnly, ServerOnlyCsv.Write(config.ServerOutputFields, gpuCountersAvailable: false, warnings), ct);
        written.Add(inference);
        written.Add(serverOnly);

        var overall = Overall(config, analyses);
        var lines = analyses.SelectMany(a => new[]
            {
                new PlotLine($"{a.ModelName} default", ThroughputPlot.LongestLine(a, ConfigVariant.Default)),
                new PlotLine($"{a.ModelName} best ({a.Best.Config.Name})", a.LineOf(a.Best.Config.Name)),
            })
            .Where(l => l.Points.Count > 0)
            .DistinctBy(l => l.Label)
            .ToList();
        var png = ThroughputPlot.Render($"Throughput vs concurrency ({overall.Constraints.Describe()})", lines, overall.Best);
        var plot = Path.Combine(config.ExportPath, Plot);
        await File.WriteAllBytesAsync(plot, png, ct);
        written.Add(plot);

        var location = Path.Combine(config.ExportPath, Location);
        await File.WriteAllTextAsync(location, DirectoryOf(config, overall.Best.Config) + "\n", ct);
        written.Add(location);

        foreach (var analysis in analyses)
        {
            var folder = Path.Combine(config.ExportPath, "reports", "summaries", analysis.ModelName);
            Directory.CreateDirectory(folder);
            var modelPlot = ThroughputPlot.Render(
                $"{analysis.ModelName}: throughput vs concurrency ({analysis.Constraints.Describe()})",
                [
                    new PlotLine("Default config", ThroughputPlot.LongestLine(analysis, ConfigVariant.Default)),
                    .. analysis.TopConfigs.Take(3).Select(t => new PlotLine(t.Config.Name, analysis.LineOf(t.Config.Name))),
                ],
                analysis.Best);
            var directory = DirectoryOf(config, analysis.Best.Config);
            var configFile = Path.Combine(directory, ModelConfigFile.FileName);
            var text = File.Exists(configFile) ? await File.ReadAllTextAsync(configFile, ct) : null;
            var report = Path.Combine(folder, Summary);
            await File.WriteAllTextAsync(report, HtmlReport.Write(analysis, modelPlot, text, directory), ct);
            written.Add(report);
        }

        return written;
    }

    /// <summary>The best of the models' best points, by the global objectives.</summary>
    private static ResultsAnalysis Overall(ModelAnalyzerConfig config, IReadOnlyList<ResultsAnalysis> analyses)
    {
        var score = new ObjectiveScore(config.Objectives.Count > 0 ? config.Objectives : Objective.Default);
        return analyses.Aggregate((a, b) => score.Compare(b.Best.Stats, a.Best.Stats) > 0 ? b : a);
    }

    /// <summary>The config's folder: in output_model_repository_path when the file names one (the seed's analyze file does), else where profile wrote it.</summary>
    private static string DirectoryOf(ModelAnalyzerConfig config, ProfiledConfig best) =>
        config.OutputModelRepositoryPath is { } output ? Path.Combine(output, best.Name) : Path.GetDirectoryName(best.ConfigUri)!;

    private void Warn(List<string> warnings)
    {
        foreach (var warning in warnings)
        {
            console.MarkupLine($"[yellow]warning:[/] {Markup.Escape(warning)}");
        }

        warnings.Clear();
    }
}
