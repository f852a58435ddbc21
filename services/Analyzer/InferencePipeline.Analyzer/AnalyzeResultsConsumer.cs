using System.Text.Json;
using InferencePipeline.Artifacts;
using InferencePipeline.Contracts;
using InferencePipeline.ModelAnalyzer.Reports;
using InferencePipeline.Stages;
using MassTransit;
using Microsoft.Extensions.Logging;

namespace InferencePipeline.Analyzer;

/// <summary>
/// Handles <see cref="AnalyzeResults"/>: reads the profiler's results file, picks the best Triton config
/// under the constraints and objectives, writes Model Analyzer's CSV, the plot, the config location and an
/// HTML report, and publishes <see cref="ResultsAnalyzed"/>. Bad input (missing or corrupt results, nothing
/// in budget, unknown objective) ends in <see cref="StageFailed"/> without retries; I/O trouble throws so
/// the endpoint's retry policy runs.
/// </summary>
public sealed class AnalyzeResultsConsumer(ArtifactStore store, ILogger<AnalyzeResultsConsumer> logger) : IConsumer<AnalyzeResults>
{
    public Task Consume(ConsumeContext<AnalyzeResults> context) =>
        StageExecution.RunAsync(context, AnalyzerTelemetry.Stage, context.Message.PipelineId, context.Message.ModelName, logger, AnalyzeAsync);

    private async Task AnalyzeAsync(StageRun<AnalyzeResults> run)
    {
        var request = run.Command;
        var ct = run.CancellationToken;
        var results = await ReadResultsAsync(request, ct);
        await run.ProgressAsync(0.1, $"read {results.Measurements.Count} measurements");

        ResultsAnalysis analysis;
        try
        {
            analysis = ResultsRanker.Analyze(results, request.Constraints, request.Objectives);
        }
        catch (AnalysisException e)
        {
            throw new StageFailedException(e.Message, e);
        }

        await run.ProgressAsync(0.4, $"best config {analysis.Best.Config.Name} at concurrency {analysis.Best.Measurement.Concurrency}: {analysis.BestThroughputPerSec:0.#} infer/s");

        var (location, configText) = await LocateBestConfigAsync(analysis.Best.Config.ConfigUri, ct);

        var csvUri = AnalyzerArtifacts.MetricsCsv(request.PipelineId);
        await store.WriteTextAsync(csvUri, MetricsCsv.Write(analysis), ct);

        var plotUri = AnalyzerArtifacts.Plot(request.PipelineId);
        var png = ThroughputPlot.Render(analysis);
        await store.WriteBytesAsync(plotUri, png, ct);
        await run.ProgressAsync(0.7, "wrote metrics CSV and plot");

        var locationUri = AnalyzerArtifacts.ConfigLocation(request.PipelineId);
        await store.WriteTextAsync(locationUri, location + "\n", ct);

        var reportUri = AnalyzerArtifacts.Report(request.PipelineId);
        await store.WriteTextAsync(reportUri, HtmlReport.Write(analysis, png, configText, location), ct);

        run.Activity?.SetTag("analyzer.best_config", analysis.Best.Config.Name);
        run.Activity?.SetTag("analyzer.best_throughput", analysis.BestThroughputPerSec);
        logger.LogInformation(
            "Pipeline {PipelineId}: best config {Config} at concurrency {Concurrency}, {Throughput:0.#} infer/s (default {Default:0.#}, ORT {Ort:0.#})",
            request.PipelineId, analysis.Best.Config.Name, analysis.Best.Measurement.Concurrency, analysis.BestThroughputPerSec,
            analysis.DefaultThroughputPerSec, analysis.OrtTunedThroughputPerSec);

        await run.ProgressAsync(1.0, "report written");
        await run.PublishAsync(new ResultsAnalyzed(
            request.PipelineId,
            request.ModelName,
            analysis.Best.Config,
            analysis.Best.Stats,
            analysis.Best.Measurement.Concurrency,
            analysis.DefaultThroughputPerSec,
            analysis.OrtTunedThroughputPerSec,
            csvUri,
            plotUri,
            locationUri,
            reportUri));
    }

    private async Task<ProfileResults> ReadResultsAsync(AnalyzeResults request, CancellationToken ct)
    {
        string path;
        try
        {
            path = store.PathFor(request.ResultsUri);
        }
        catch (ArtifactUriException e)
        {
            throw new StageFailedException($"Cannot read the profile results: {e.Message} Send the ResultsUri the profiler published in ModelProfiled.", e);
        }

        if (!File.Exists(path))
        {
            throw new StageFailedException(
                $"The profile results '{request.ResultsUri}' do not exist (looked at {path}). Run the profiler for pipeline {request.PipelineId} first, or send the URI it published in ModelProfiled.");
        }

        ProfileResults results;
        try
        {
            results = ProfileResults.FromJson(await File.ReadAllTextAsync(path, ct));
        }
        catch (JsonException e)
        {
            throw new StageFailedException(
                $"The profile results '{request.ResultsUri}' are not a valid results file ({e.Message}); it must be the JSON the profiler writes (ProfileResults).", e);
        }

        return results.Measurements is { Count: > 0 }
            ? results
            : throw new StageFailedException($"The profile results '{request.ResultsUri}' hold no measurement; profile the model again.");
    }

    /// <summary>
    /// Optimal_ConfigFile_Location.txt holds the directory of the best config (the seed's file names the
    /// output model repository entry), as a local path; the config text goes into the report when readable.
    /// </summary>
    private async Task<(string Location, string? ConfigText)> LocateBestConfigAsync(string configUri, CancellationToken ct)
    {
        string path;
        try
        {
            path = store.PathFor(configUri);
        }
        catch (ArtifactUriException)
        {
            return (configUri, null);
        }

        if (Directory.Exists(path))
        {
            var inside = Path.Combine(path, "config.pbtxt");
            return (path, File.Exists(inside) ? await File.ReadAllTextAsync(inside, ct) : null);
        }

        return (Path.GetDirectoryName(path)!, File.Exists(path) ? await File.ReadAllTextAsync(path, ct) : null);
    }
}
