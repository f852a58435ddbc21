using System.ComponentModel;
using InferencePipeline.Cli.Remote;
using Spectre.Console;
using Spectre.Console.Cli;

namespace InferencePipeline.Cli.Commands;

/// <summary><c>inferpipe status [ID]</c>: one pipeline, or the recent ones, from the orchestrator's HTTP API.</summary>
public sealed class StatusCommand(IAnsiConsole console) : AsyncCommand<StatusCommand.Settings>
{
    public sealed class Settings : ApiSettings
    {
        [CommandArgument(0, "[ID]")]
        [Description("Pipeline id; without it, the recent pipelines are listed.")]
        public string? Id { get; init; }

        public override ValidationResult Validate() =>
            Id is not null && !Guid.TryParse(Id, out _) ? ValidationResult.Error($"'{Id}' is not a pipeline id (a GUID).") : ValidationResult.Success();
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        try
        {
            using var client = settings.CreateClient();
            Guid? id = settings.Id is null ? null : Guid.Parse(settings.Id);
            var json = await client.GetJsonAsync(id, cancellationToken);
            if (json is null)
            {
                console.MarkupLine($"[yellow]No pipeline {Markup.Escape(settings.Id ?? "")} is known to the orchestrator.[/]");
                return 1;
            }

            console.Write(new Spectre.Console.Json.JsonText(json));
            console.WriteLine();
            return 0;
        }
        catch (OrchestratorException e)
        {
            console.MarkupLine($"[red]{Markup.Escape(e.Message)}[/]");
            return e.ExitCode;
        }
    }
}
