using System.ComponentModel;
using System.Diagnostics;
using InferencePipeline.Cloud.Aca;
using InferencePipeline.Contracts;
using Spectre.Console;
using Spectre.Console.Cli;

namespace InferencePipeline.Cli.Commands;

/// <summary>
/// <c>inferpipe publish aca</c>: the AppHost's Aspire manifest as Bicep for Azure Container Apps (main.bicep and
/// modules), the stages scaling on their RabbitMQ queues. Reads a manifest given with --manifest, or has the
/// AppHost write one.
/// </summary>
public sealed class PublishAcaCommand : AsyncCommand<PublishAcaCommand.Settings>
{
    /// <summary>Which app consumes which queue: the stages, scaled by KEDA on their queue's length.</summary>
    public static readonly IReadOnlyDictionary<string, string> StageQueues = new Dictionary<string, string>
    {
        ["converter"] = QueueNames.Converter,
        ["ort-tuner"] = QueueNames.OrtTuner,
        ["triton-profiler"] = QueueNames.Profiler,
        ["analyzer"] = QueueNames.Analyzer,
        ["deployer"] = QueueNames.Deployer,
    };

    public sealed class Settings : CommandSettings
    {
        [CommandArgument(0, "<TARGET>")]
        [Description("aca: Azure Container Apps.")]
        public string Target { get; init; } = "";

        [CommandOption("-o|--output <DIR>")]
        [Description("Where main.bicep and modules/ are written.")]
        public string? Output { get; init; }

        [CommandOption("--manifest <FILE>")]
        [Description("An Aspire manifest already written (dotnet run --project AppHost/InferencePipeline.AppHost -- --publisher manifest --output-path FILE).")]
        public string? Manifest { get; init; }

        [CommandOption("--apphost <PROJECT>")]
        [Description("The AppHost project that writes the manifest when --manifest is not given.")]
        [DefaultValue("AppHost/InferencePipeline.AppHost")]
        public string AppHost { get; init; } = "AppHost/InferencePipeline.AppHost";

        [CommandOption("--inference-server <KIND>")]
        [Description("embedded (any profile) or triton (Triton on a GPU workload profile); only when the AppHost writes the manifest.")]
        [DefaultValue("embedded")]
        public string InferenceServer { get; init; } = "embedded";

        public override ValidationResult Validate()
        {
            if (Target != "aca")
            {
                return ValidationResult.Error($"publish {Target}: the only publish target is aca (Azure Container Apps).");
            }

            if (string.IsNullOrWhiteSpace(Output))
            {
                return ValidationResult.Error("publish aca needs --output DIR.");
            }

            return InferenceServer is "embedded" or "triton"
                ? ValidationResult.Success()
                : ValidationResult.Error($"--inference-server {InferenceServer}: use embedded or triton.");
        }
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var console = AnsiConsole.Console;
        try
        {
            var manifestPath = settings.Manifest ?? await WriteManifestAsync(settings, cancellationToken);
            var options = new AcaPublishOptions { QueueScaledApps = StageQueues };
            var plan = AcaPlan.From(AspireManifest.Load(manifestPath), options);
            var files = AcaBicepWriter.Write(plan, settings.Output!, options);
            console.MarkupLine($"Wrote {files.Count} Bicep files for {plan.Apps.Count} container apps to {Markup.Escape(Path.GetFullPath(settings.Output!))}:");
            foreach (var file in files)
            {
                console.WriteLine($"  {file}");
            }

            var parameters = string.Join(" ", plan.Parameters.Keys.Select(p => $"{p}=..."));
            System.Console.Out.WriteLine($"Deploy with: az deployment group create --resource-group <group> --template-file {Path.Combine(settings.Output!, AcaBicepWriter.MainFile)} --parameters {parameters}");
            return 0;
        }
        catch (AcaPublishException e)
        {
            console.MarkupLine($"[red]Cannot publish:[/] {Markup.Escape(e.Message)}");
            return 2;
        }
    }

    private static async Task<string> WriteManifestAsync(Settings settings, CancellationToken ct)
    {
        if (!Directory.Exists(settings.AppHost) && !File.Exists(settings.AppHost))
        {
            throw new AcaPublishException($"AppHost project '{settings.AppHost}' not found; run from the repository root, pass --apphost, or give --manifest.");
        }

        var manifest = Path.Combine(Path.GetTempPath(), $"inferpipe-manifest-{Guid.NewGuid():N}.json");
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { "run", "--project", settings.AppHost, "--", "--publisher", "manifest", "--output-path", manifest, $"--InferenceServer:Kind={settings.InferenceServer}" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start) ?? throw new AcaPublishException("Could not start dotnet to run the AppHost.");
        var output = process.StandardOutput.ReadToEndAsync(ct);
        var error = process.StandardError.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        if (process.ExitCode != 0 || !File.Exists(manifest))
        {
            throw new AcaPublishException($"The AppHost did not write its manifest (exit {process.ExitCode}):\n{await output}\n{await error}");
        }

        return manifest;
    }
}
