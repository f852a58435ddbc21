using System.ComponentModel;
using InferencePipeline.Cli.Composition;
using InferencePipeline.Cli.Console;
using Spectre.Console;
using Spectre.Console.Cli;

namespace InferencePipeline.Cli.Commands;

/// <summary><c>inferpipe run</c>: start a pipeline on the distributed system and follow it.</summary>
public sealed class RunCommand : AsyncCommand<RunCommand.Settings>
{
    public sealed class Settings : PipelineRequestSettings
    {
        [CommandOption("--rabbitmq <URI>")]
        [Description("The system's RabbitMQ (default: $ConnectionStrings__rabbitmq, else amqp://guest:guest@localhost:5672/).")]
        public string? RabbitMq { get; init; }

        [CommandOption("--no-follow")]
        [Description("Send the request and exit; read progress later with 'inferpipe status'.")]
        public bool NoFollow { get; init; }

        [CommandOption("--timeout-minutes <MIN>")]
        [DefaultValue(120)]
        public int TimeoutMinutes { get; init; } = 120;

        public override ValidationResult Validate() =>
            Model is null ? ValidationResult.Error("run needs --model PATH (a file the converter service can read).") : base.Validate();
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var console = AnsiConsole.Console;
        var rabbitMq = settings.RabbitMq
            ?? Environment.GetEnvironmentVariable("ConnectionStrings__rabbitmq")
            ?? "amqp://guest:guest@localhost:5672/";
        var inputs = ShapeInputs.From(settings, settings.Model!, out var shapeError);
        if (inputs is null)
        {
            console.MarkupLine($"[red]{Markup.Escape(shapeError!)}[/]");
            return 2;
        }

        var request = settings.ToRequest(settings.Model!, inputs);

        await using var host = await PipelineHost.RemoteAsync(rabbitMq, cancellationToken);
        await host.StartPipelineAsync(request, cancellationToken);
        console.MarkupLine($"Sent StartPipeline [bold]{request.PipelineId:N}[/] for {Markup.Escape(request.ModelUri)}");
        if (settings.NoFollow)
        {
            return 0;
        }

        var outcome = await new PipelineFollower(host.Events, console)
            .FollowAsync(request.PipelineId, TimeSpan.FromMinutes(settings.TimeoutMinutes), cancellationToken);
        OutcomeReport.Write(console, outcome, host.LocalPath);
        return outcome.Succeeded ? 0 : 1;
    }
}
