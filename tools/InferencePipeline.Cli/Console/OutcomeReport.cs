using InferencePipeline.Cli.Composition;
using InferencePipeline.Contracts;
using Spectre.Console;

namespace InferencePipeline.Cli.Console;

/// <summary>The per-stage throughput table and where the report is: what a user reads after a run.</summary>
public static class OutcomeReport
{
    public static void Write(IAnsiConsole console, PipelineOutcome outcome, Func<string, string> localPath)
    {
        if (outcome.Failed is { } failed)
        {
            console.MarkupLine($"[red]Pipeline {outcome.PipelineId:N} failed while {failed.Stage.ToString().ToLowerInvariant()}:[/] {Markup.Escape(failed.Reason)}");
            return;
        }

        if (outcome.Cancelled is { } cancelled)
        {
            console.MarkupLine($"[yellow]Pipeline {outcome.PipelineId:N} was cancelled:[/] {Markup.Escape(cancelled.Reason)}");
            return;
        }

        var analyzed = outcome.Analyzed;
        var completed = outcome.Completed!;
        // The default config may meet the budget at no concurrency at all (a slow model, a busy machine): no ratio then.
        string VsDefault(double throughput) =>
            completed.DefaultThroughputPerSec > 0 ? $"{throughput / completed.DefaultThroughputPerSec:0.00}x" : "n/a";
        var table = new Table().Border(TableBorder.Rounded).Title($"[bold]{Markup.Escape(completed.ModelName)}[/] — throughput within the latency budget");
        table.AddColumn("Stage");
        table.AddColumn("Config");
        table.AddColumn(new TableColumn("infer/s").RightAligned());
        table.AddColumn(new TableColumn("vs default").RightAligned());
        table.AddRow("Default (converter)", "no batching, 1 instance", $"{completed.DefaultThroughputPerSec:0.0}", "1.00x");
        var tunedConfig = outcome.Tuned is { } t ? $"{t.ChosenCandidate ?? "default"}: {t.Best}" : "-";
        table.AddRow("ORT-tuned", Markup.Escape(tunedConfig), $"{completed.OrtTunedThroughputPerSec:0.0}", VsDefault(completed.OrtTunedThroughputPerSec));
        var bestDescription = analyzed is null
            ? completed.BestConfigName
            : $"{analyzed.Best.Name}: {analyzed.Best.BatchingSummary}, {analyzed.Best.InstanceCount} instance(s), concurrency {analyzed.BestConcurrency}, p99 {analyzed.BestStats.P99Ms:0.00} ms";
        table.AddRow("[bold]Triton-tuned[/]", Markup.Escape(bestDescription), $"[bold]{completed.BestThroughputPerSec:0.0}[/]", $"[bold]{VsDefault(completed.BestThroughputPerSec)}[/]");
        console.Write(table);
        if (completed.DefaultThroughputPerSec <= 0)
        {
            console.MarkupLine($"[yellow]The default config met the p99 budget at no concurrency measured;[/] raise --latency-budget-ms to compare with it.");
        }

        if (outcome.Tuned is { } tuned)
        {
            WriteTuning(console, tuned, localPath);
        }

        console.MarkupLine($"Measurements: {outcome.Measurements.Count}");
        if (analyzed is not null)
        {
            console.MarkupLine($"Report:       [link]{Markup.Escape(localPath(analyzed.ReportUri))}[/]");
            console.MarkupLine($"Plot:         {Markup.Escape(localPath(analyzed.PlotUri))}");
            console.MarkupLine($"Metrics CSV:  {Markup.Escape(localPath(analyzed.MetricsCsvUri))}");
            console.MarkupLine($"Best config:  {Markup.Escape(localPath(analyzed.ConfigLocationUri))}");
        }

        if (outcome.Deployed is { } deployed)
        {
            console.MarkupLine($"Deployed:     model [bold]{Markup.Escape(deployed.ServedModelName)}[/] at {Markup.Escape(deployed.Endpoint)} (smoke test max |diff| {deployed.MaxAbsDiff:0.###e+0})");
            if (deployed.NextSteps is { } next)
            {
                console.MarkupLine($"Next:         {Markup.Escape(next)}");
            }
        }
    }

    /// <summary>
    /// The tuning stage's own figures (in process, single stream, at the batch the choice was made at): ONNX Runtime's
    /// defaults against the chosen candidate, the choice's accuracy against the fp32 model, and each precision candidate.
    /// </summary>
    private static void WriteTuning(IAnsiConsole console, OrtTuned tuned, Func<string, string> localPath)
    {
        var atChoice = tuned.Trials.Where(t => t.BatchSize == tuned.BatchSize).ToList();
        var chosen = atChoice.FirstOrDefault(t => t.Candidate == tuned.ChosenCandidate);
        var speedup = tuned.DefaultThroughputPerSec > 0 ? tuned.TunedThroughputPerSec / tuned.DefaultThroughputPerSec : 0;
        console.MarkupLine(
            $"ORT tuning (in process, single stream, batch {tuned.BatchSize}): default {tuned.DefaultThroughputPerSec:0.0} infer/s -> " +
            $"[bold]{Markup.Escape(tuned.ChosenCandidate ?? "default")}[/] {tuned.TunedThroughputPerSec:0.0} infer/s ([bold]{speedup:0.00}x[/])");
        if (chosen?.AccuracyMetric is not null)
        {
            console.MarkupLine(
                $"  accuracy of the choice against the fp32 model: {Markup.Escape(chosen.AccuracyMetric)} {chosen.AccuracyValue:0.#####}, " +
                $"max |diff| {chosen.MaxAbsDiff:G3} ({(chosen.AccuracyOk == true ? "inside" : "outside")} the gate)");
        }

        foreach (var precision in atChoice.Where(t => t.Settings.Precision != "fp32"))
        {
            var figures = precision.Error ?? $"{precision.ThroughputPerSec:0.0} infer/s, {precision.AccuracyMetric} {precision.AccuracyValue:0.#####}, max |diff| {precision.MaxAbsDiff:G3}";
            console.MarkupLine($"  {Markup.Escape(precision.Candidate ?? precision.Settings.Precision)}: {Markup.Escape(figures.Length > 140 ? figures[..137] + "..." : figures)}");
        }

        if (tuned.TuningCsvUri is { } csv)
        {
            console.MarkupLine($"  every candidate: {Markup.Escape(localPath(csv))}");
        }
    }
}
