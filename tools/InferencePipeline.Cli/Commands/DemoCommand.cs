using System.ComponentModel;
using InferencePipeline.Artifacts;
using InferencePipeline.Cli.Composition;
using InferencePipeline.Cli.Console;
using InferencePipeline.Onnx;
using Spectre.Console;
using Spectre.Console.Cli;

namespace InferencePipeline.Cli.Commands;

/// <summary><c>inferpipe demo</c>: the whole pipeline in one process, on the demo BERT model or the user's (ONNX or PyTorch, sized with --shape).</summary>
public sealed class DemoCommand : AsyncCommand<DemoCommand.Settings>
{
    public sealed class Settings : PipelineRequestSettings
    {
        [CommandOption("-o|--output <DIR>")]
        [Description("Where models, measurements and the report go.")]
        [DefaultValue("./artifacts/demo")]
        public string Output { get; init; } = "./artifacts/demo";

        [CommandOption("--timeout-minutes <MIN>")]
        [Description("Give up following the pipeline after this long.")]
        [DefaultValue(30)]
        public int TimeoutMinutes { get; init; } = 30;
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var console = AnsiConsole.Console;
        var output = Path.GetFullPath(settings.Output);
        Directory.CreateDirectory(output);

        var modelPath = settings.Model;
        // The models the demo may read: the current directory, and the folder it writes its own model to.
        var roots = new Dictionary<string, string?> { [PipelineHost.DemoModelRootKey] = Directory.GetCurrentDirectory() };
        if (modelPath is null)
        {
            modelPath = Path.Combine(output, "models", "bert_demo.onnx");
            Directory.CreateDirectory(Path.GetDirectoryName(modelPath)!);
            DemoModels.WriteBert(modelPath);
            roots[$"{ModelIntakeOptions.Section}:AllowedRoots:1"] = Path.GetDirectoryName(modelPath);
            console.MarkupLine($"Demo model: BERT-shaped ONNX (inputs input_names, input_mask, segment_ids INT64 [[-1,256]]) at {Markup.Escape(modelPath)}");
        }
        else if (!File.Exists(modelPath))
        {
            console.MarkupLine($"[red]No model file at {Markup.Escape(Path.GetFullPath(modelPath))}.[/] Give --model the path of an .onnx, .pt or .pth file.");
            return 2;
        }
        else if (new ModelSourcePolicy(new ArtifactStore(output), roots.Values.OfType<string>()).Problem(modelPath, requireArtifactExists: false) is not null)
        {
            console.MarkupLine($"[red]{Markup.Escape(Path.GetFullPath(modelPath))} is outside the current directory ({Markup.Escape(Directory.GetCurrentDirectory())}), " +
                               "and the demo reads models only from there (links included):[/] run it from a folder that holds the model.");
            return 2;
        }

        var inputs = ShapeInputs.From(settings, modelPath, out var shapeError);
        if (inputs is null)
        {
            console.MarkupLine($"[red]{Markup.Escape(shapeError!)}[/]");
            return 2;
        }

        var request = settings.ToRequest(modelPath, inputs);
        await using var host = await PipelineHost.InProcessAsync(output, cancellationToken, roots);
        console.MarkupLine($"Pipeline [bold]{request.PipelineId:N}[/] for model [bold]{Markup.Escape(request.ModelName)}[/], p99 budget {request.Constraints.MaxLatencyP99Ms} ms, embedded inference server at {host.InferenceServerAddress}");

        await host.StartPipelineAsync(request, cancellationToken);
        var outcome = await new PipelineFollower(host.Events, console)
            .FollowAsync(request.PipelineId, TimeSpan.FromMinutes(settings.TimeoutMinutes), cancellationToken);
        OutcomeReport.Write(console, outcome, host.LocalPath);
        return outcome.Succeeded ? 0 : 1;
    }
}
