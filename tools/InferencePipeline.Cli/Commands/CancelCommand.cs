using System.ComponentModel;
using InferencePipeline.Cli.Remote;
using Spectre.Console;
using Spectre.Console.Cli;

namespace InferencePipeline.Cli.Commands;

/// <summary><c>inferpipe cancel ID</c>: asks the orchestrator to stop a running pipeline.</summary>
public sealed class CancelCommand(IAnsiConsole console) : AsyncCommand<CancelCommand.Settings>
{
    public sealed class Settings : ApiSettings
    {
        [CommandArgument(0, "<ID>")]
        [Description("The pipeline to cancel.")]
        public string Id { get; init; } = "";

        [CommandOption("--reason <TEXT>")]
        [Description("Why, kept in the pipeline's status (default: cancelled through the HTTP API).")]
        public string? Reason { get; init; }

        public override ValidationResult Validate() =>
            Guid.TryParse(Id, out _) ? ValidationResult.Success() : ValidationResult.Error($"'{Id}' is not a pipeline id (a GUID).");
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var id = Guid.Parse(settings.Id);
        try
        {
            using var client = settings.CreateClient();
            await client.CancelAsync(id, settings.Reason, cancellationToken);
            console.MarkupLine($"Cancelling pipeline [bold]{id:N}[/]; 'inferpipe watch {id:N}' shows when it has stopped.");
            return 0;
        }
        catch (OrchestratorException e)
        {
            console.MarkupLine($"[red]{Markup.Escape(e.Message)}[/]");
            return e.ExitCode;
        }
    }
}
