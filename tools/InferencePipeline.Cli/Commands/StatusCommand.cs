using System.ComponentModel;
using System.Net;
using System.Text.Json;
using Spectre.Console;
using Spectre.Console.Cli;

namespace InferencePipeline.Cli.Commands;

/// <summary><c>inferpipe status [ID]</c>: one pipeline, or the recent ones, from the orchestrator's HTTP API.</summary>
public sealed class StatusCommand : AsyncCommand<StatusCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandArgument(0, "[ID]")]
        [Description("Pipeline id; without it, the recent pipelines are listed.")]
        public string? Id { get; init; }

        [CommandOption("--api <URL>")]
        [Description("The orchestrator's base URL (default: $INFERPIPE_API, else http://localhost:5210).")]
        public string? Api { get; init; }

        public override ValidationResult Validate() =>
            Id is not null && !Guid.TryParse(Id, out _) ? ValidationResult.Error($"'{Id}' is not a pipeline id (a GUID).") : ValidationResult.Success();
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var api = settings.Api ?? Environment.GetEnvironmentVariable("INFERPIPE_API") ?? "http://localhost:5210";
        using var http = new HttpClient { BaseAddress = new Uri(api), Timeout = TimeSpan.FromSeconds(10) };
        var path = settings.Id is null ? "/pipelines" : $"/pipelines/{Guid.Parse(settings.Id):D}";
        HttpResponseMessage response;
        try
        {
            response = await http.GetAsync(path, cancellationToken);
        }
        catch (HttpRequestException ex)
        {
            AnsiConsole.MarkupLine($"[red]Cannot reach the orchestrator at {Markup.Escape(api)}:[/] {Markup.Escape(ex.Message)}. Is the AppHost running? Pass --api with the orchestrator's URL from the dashboard.");
            return 2;
        }

        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            AnsiConsole.MarkupLine($"[yellow]No pipeline {Markup.Escape(settings.Id ?? "")} is known to the orchestrator.[/]");
            return 1;
        }

        response.EnsureSuccessStatusCode();
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
        AnsiConsole.Write(new Spectre.Console.Json.JsonText(document.RootElement.GetRawText()));
        AnsiConsole.WriteLine();
        return 0;
    }
}
