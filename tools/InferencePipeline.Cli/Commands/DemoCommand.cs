using System.ComponentModel;
using InferencePipeline.Artifacts;
using InferencePipeline.Cli.Composition;
using InferencePipeline.Cli.Console;
using Spectre.Console;
using Spectre.Console.Cli;

namespace InferencePipeline.Cli.Commands;

/// <summary>
/// <c>inferpipe demo</c>: the whole pipeline in one process, on all-MiniLM-L6-v2 with real sentences (the default), the
/// seed-shaped BERT or the user's model (<see cref="DemoModel"/>: ONNX or PyTorch, sized with --shape).
/// </summary>
public sealed class DemoCommand(IAnsiConsole console) : AsyncCommand<DemoCommand.Settings>
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
        var output = Path.GetFullPath(settings.Output);
        Directory.CreateDirectory(output);

        var demo = DemoModel.Prepare(settings.Model, output);
        // What the demo may read: the current directory, and the folders of the built-in model and input data it prepared.
        var roots = new Dictionary<string, string?> { [PipelineHost.DemoModelRootKey] = Directory.GetCurrentDirectory() };
        if (demo is null)
        {
            console.MarkupLine($"[red]No model file at {Markup.Escape(Path.GetFullPath(settings.Model!))}.[/] Give --model the path of an .onnx, .pt or .pth file, or {DemoModel.MiniLm} or {DemoModel.SeedShaped}.");
            return 2;
        }

        var userFiles = new ModelSourcePolicy(new ArtifactStore(output), roots.Values.OfType<string>());
        if (demo.BuiltIn)
        {
            foreach (var (key, folder) in DemoModel.ReadableFolders(demo.ModelPath, demo.InputDataPath))
            {
                roots[key] = folder;
            }
        }
        else if (userFiles.Problem(demo.ModelPath, requireArtifactExists: false) is not null)
        {
            console.MarkupLine($"[red]{Markup.Escape(demo.ModelPath)} is outside the current directory ({Markup.Escape(Directory.GetCurrentDirectory())}), " +
                               "and the demo reads models only from there (links included):[/] run it from a folder that holds the model.");
            return 2;
        }

        // The user's input data is held to the same rule as the user's model, here rather than as a failed stage later.
        if (settings.InputData is { } inputData && userFiles.Problem(Path.GetFullPath(inputData), requireArtifactExists: false, PipelineFileKind.InputData) is not null)
        {
            console.MarkupLine($"[red]--input-data {Markup.Escape(Path.GetFullPath(inputData))} is outside the current directory ({Markup.Escape(Directory.GetCurrentDirectory())}), " +
                               "and the demo reads input data only from there (links included):[/] run it from a folder that holds the file.");
            return 2;
        }

        console.MarkupLine($"Demo model: {Markup.Escape(demo.Description)} at {Markup.Escape(demo.ModelPath)}");
        var inputs = ShapeInputs.From(settings, demo.ModelPath, out var shapeError);
        if (inputs is null)
        {
            console.MarkupLine($"[red]{Markup.Escape(shapeError!)}[/]");
            return 2;
        }

        var request = settings.ToRequest(demo.ModelPath, inputs);
        request = request with
        {
            ModelName = settings.Name ?? demo.Name,
            Inputs = request.Inputs.Count > 0 ? request.Inputs : demo.Inputs,
            InputDataUri = request.InputDataUri ?? demo.InputDataPath,
            Constraints = request.Constraints with { MaxLatencyP99Ms = settings.LatencyBudgetMs ?? demo.LatencyBudgetMs },
        };
        await using var host = await PipelineHost.InProcessAsync(output, cancellationToken, roots);
        console.MarkupLine($"Pipeline [bold]{request.PipelineId:N}[/] for model [bold]{Markup.Escape(request.ModelName)}[/], p99 budget {request.Constraints.MaxLatencyP99Ms} ms, embedded inference server at {host.InferenceServerAddress}");

        await host.StartPipelineAsync(request, cancellationToken);
        var outcome = await new PipelineFollower(host.Events, console)
            .FollowAsync(request.PipelineId, TimeSpan.FromMinutes(settings.TimeoutMinutes), cancellationToken);
        OutcomeReport.Write(console, outcome, host.LocalPath);
        return outcome.Succeeded ? 0 : 1;
    }
}
