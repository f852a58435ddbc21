using InferencePipeline.Cli.Composition;
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
        var baseline = Math.Max(completed.DefaultThroughputPerSec, 1e-9);
        var table = new Table().Border(TableBorder.Rounded).Title($"[bold]{Markup.Escape(completed.ModelName)}[/] — throughput within the latency budget");
        table.AddColumn("Stage");
        table.AddColumn("Config");
        table.AddColumn(new TableColumn("infer/s").RightAligned());
        table.AddColumn(new TableColumn("vs default").RightAligned());
        table.AddRow("Default (converter)", "no batching, 1 instance", $"{completed.DefaultThroughputPerSec:0.0}", "1.00x");
        table.AddRow("ORT-tuned", Markup.Escape(outcome.Tuned?.Best.ToString() ?? "-"), $"{completed.OrtTunedThroughputPerSec:0.0}", $"{completed.OrtTunedThroughputPerSec / baseline:0.00}x");
        var bestDescription = analyzed is null
            ? completed.BestConfigName
            : $"{analyzed.Best.Name}: batch [{string.Join(',', analyzed.Best.PreferredBatchSizes)}], {analyzed.Best.InstanceCount} instance(s), concurrency {analyzed.BestConcurrency}, p99 {analyzed.BestStats.P99Ms:0.00} ms";
        table.AddRow("[bold]Triton-tuned[/]", Markup.Escape(bestDescription), $"[bold]{completed.BestThroughputPerSec:0.0}[/]", $"[bold]{completed.BestThroughputPerSec / baseline:0.00}x[/]");
        console.Write(table);

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
}
