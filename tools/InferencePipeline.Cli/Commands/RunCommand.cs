using System.ComponentModel;
using InferencePipeline.Cli.Console;
using InferencePipeline.Cli.Remote;
using Spectre.Console;
using Spectre.Console.Cli;

namespace InferencePipeline.Cli.Commands;

/// <summary>
/// <c>inferpipe run</c>: start a pipeline on the distributed system through the orchestrator's API and follow it. The
/// model file and the input data (<c>--input-data</c>) are uploaded first (<c>POST /models</c>, <c>POST /input-data</c>,
/// stored once per content), so the services need not see the user's disk.
/// </summary>
public sealed class RunCommand(IAnsiConsole console) : AsyncCommand<RunCommand.Settings>
{
    public sealed class Settings : PipelineRequestSettings
    {
        [CommandOption("--api <URL>")]
        [Description(ApiSettings.ApiHelp)]
        public string? Api { get; init; }

        [CommandOption("--api-key <KEY>")]
        [Description(ApiSettings.ApiKeyHelp)]
        public string? ApiKey { get; init; }

        [CommandOption("--no-follow")]
        [Description("Start the pipeline and exit; follow it later with 'inferpipe watch ID'.")]
        public bool NoFollow { get; init; }

        [CommandOption("--interval <SECONDS>")]
        [Description("Seconds between two looks at the pipeline's status while following it.")]
        [DefaultValue(2.0)]
        public double IntervalSeconds { get; init; } = 2.0;

        [CommandOption("--timeout-minutes <MIN>")]
        [DefaultValue(120)]
        public int TimeoutMinutes { get; init; } = 120;

        public override ValidationResult Validate()
        {
            if (Model is null)
                return ValidationResult.Error("run needs --model PATH (a model file here; run uploads it to the system).");
            if (IntervalSeconds is <= 0 or > 3600)
                return ValidationResult.Error($"--interval {IntervalSeconds} must be between 0 and 3600 seconds.");
            return base.Validate();
        }
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var model = settings.Model!;
        if (!File.Exists(model))
        {
            console.MarkupLine($"[red]No model file at {Markup.Escape(Path.GetFullPath(model))}.[/] Give --model the path of an .onnx, .pt or .pth file.");
            return 2;
        }

        var inputs = ShapeInputs.From(settings, model, out var shapeError);
        if (inputs is null)
        {
            console.MarkupLine($"[red]{Markup.Escape(shapeError!)}[/]");
            return 2;
        }

        try
        {
            using var client = OrchestratorClient.Create(settings.Api, settings.ApiKey);
            var modelUri = await client.UploadAsync(model, cancellationToken);
            console.MarkupLine($"Uploaded {Markup.Escape(Path.GetFileName(model))} as {Markup.Escape(modelUri)}");

            var request = settings.ToRequest(model, inputs) with { ModelUri = modelUri };
            if (settings.InputData is { } inputData)
            {
                var inputDataUri = await client.UploadInputDataAsync(inputData, cancellationToken);
                console.MarkupLine($"Uploaded {Markup.Escape(Path.GetFileName(inputData))} as {Markup.Escape(inputDataUri)}");
                request = request with { InputDataUri = inputDataUri };
            }

            var id = await client.StartAsync(request, cancellationToken);
            console.MarkupLine($"Started pipeline [bold]{id:N}[/] for model [bold]{Markup.Escape(request.ModelName)}[/]");
            if (settings.NoFollow)
                return 0;

            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(TimeSpan.FromMinutes(settings.TimeoutMinutes));
            var status = await new StatusFollower(client, console, TimeSpan.FromSeconds(settings.IntervalSeconds)).FollowAsync(id, TimeSpan.FromMinutes(1), deadline.Token);
            if (status is null)
            {
                console.MarkupLine($"[red]The orchestrator no longer knows pipeline {id:N}.[/]");
                return 1;
            }

            if (status.State != "Completed")
            {
                console.MarkupLine($"[red]Pipeline {status.State}: {Markup.Escape(status.FailureReason ?? status.LastMessage ?? "")}[/]");
                return 1;
            }

            console.MarkupLine($"[green]Completed.[/] Best: [bold]{Markup.Escape(status.BestConfigName ?? "?")}[/] at concurrency {status.BestConcurrency}, " +
                               $"{status.BestThroughputPerSec:0.#} infer/s. Report: {Markup.Escape(status.ReportUri ?? "none")}" +
                               (status.Endpoint is { } endpoint ? $", deployed at {Markup.Escape(endpoint)}" : ""));
            return 0;
        }
        catch (OrchestratorException e)
        {
            console.MarkupLine($"[red]{Markup.Escape(e.Message)}[/]");
            return e.ExitCode;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            console.MarkupLine($"[red]The pipeline did not end within {settings.TimeoutMinutes} minutes;[/] it keeps running: follow it with 'inferpipe watch'.");
            return 1;
        }
    }
}
