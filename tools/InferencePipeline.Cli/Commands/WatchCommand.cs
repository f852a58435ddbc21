using System.ComponentModel;
using InferencePipeline.Cli.Console;
using InferencePipeline.Cli.Remote;
using InferencePipeline.Orchestrator;
using Spectre.Console;
using Spectre.Console.Cli;

namespace InferencePipeline.Cli.Commands;

/// <summary>
/// <c>inferpipe watch [ID]</c>: live progress from the orchestrator's HTTP API. With an id, one line each time the
/// pipeline moves (stage, percent, measurements, best so far) until it ends; without, the recent pipelines, again
/// whenever one of them changes, until every one shown has ended.
/// </summary>
public sealed class WatchCommand(IAnsiConsole console) : AsyncCommand<WatchCommand.Settings>
{
    public sealed class Settings : ApiSettings
    {
        [CommandArgument(0, "[ID]")]
        [Description("Pipeline id; without it, the recent pipelines.")]
        public string? Id { get; init; }

        [CommandOption("--interval <SECONDS>")]
        [Description("Seconds between two looks at the API.")]
        [DefaultValue(2.0)]
        public double IntervalSeconds { get; init; } = 2.0;

        [CommandOption("--count <N>")]
        [Description("How many recent pipelines to watch when no id is given.")]
        [DefaultValue(10)]
        public int Count { get; init; } = 10;

        public override ValidationResult Validate()
        {
            if (Id is not null && !Guid.TryParse(Id, out _))
                return ValidationResult.Error($"'{Id}' is not a pipeline id (a GUID).");
            if (IntervalSeconds is <= 0 or > 3600)
                return ValidationResult.Error($"--interval {IntervalSeconds} must be between 0 and 3600 seconds.");
            return Count is < 1 or > 500 ? ValidationResult.Error($"--count {Count} must be between 1 and 500.") : ValidationResult.Success();
        }
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var interval = TimeSpan.FromSeconds(settings.IntervalSeconds);
        try
        {
            using var client = settings.CreateClient();
            return settings.Id is null
                ? await WatchRecentAsync(client, settings.Count, interval, cancellationToken)
                : await WatchOneAsync(client, Guid.Parse(settings.Id), interval, cancellationToken);
        }
        catch (OrchestratorException e)
        {
            console.MarkupLine($"[red]{Markup.Escape(e.Message)}[/]");
            return e.ExitCode;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return 130;
        }
    }

    /// <returns>0 when the pipeline completed, 1 when it failed, was cancelled or is unknown.</returns>
    private async Task<int> WatchOneAsync(OrchestratorClient client, Guid id, TimeSpan interval, CancellationToken ct)
    {
        var status = await new StatusFollower(client, console, interval).FollowAsync(id, TimeSpan.FromSeconds(5), ct);
        if (status is null)
        {
            console.MarkupLine($"[yellow]No pipeline {id:N} is known to the orchestrator.[/]");
            return 1;
        }

        if (status.FailureReason is { } reason)
            console.MarkupLine($"[red]{Markup.Escape(reason)}[/]");
        return status.State == "Completed" ? 0 : 1;
    }

    private async Task<int> WatchRecentAsync(OrchestratorClient client, int count, TimeSpan interval, CancellationToken ct)
    {
        var last = new Dictionary<Guid, string>();
        while (true)
        {
            var recent = await client.ListAsync(count, ct);
            foreach (var status in recent.Reverse())
            {
                var line = StatusLine.Of(status);
                if (!last.TryGetValue(status.PipelineId, out var previous) || previous != line)
                {
                    console.WriteLine(line);
                    last[status.PipelineId] = line;
                }
            }

            if (recent.All(s => s.Finished))
            {
                if (recent.Count == 0)
                    console.WriteLine("No pipelines yet.");
                return 0;
            }

            await Task.Delay(interval, ct);
        }
    }
}
