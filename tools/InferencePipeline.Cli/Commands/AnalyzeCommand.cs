using System.ComponentModel;
using InferencePipeline.Cli.Profiling;
using Spectre.Console;
using Spectre.Console.Cli;

namespace InferencePipeline.Cli.Commands;

/// <summary><c>inferpipe analyze -f FILE</c>: Model Analyzer's analyze over the profile's checkpoint.</summary>
public sealed class AnalyzeCommand : AsyncCommand<AnalyzeCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("-f|--config-file <FILE>")]
        [Description("A Model Analyzer analyze YAML (analysis_models, export_path, inference_output_fields, constraints, ...).")]
        public string? ConfigFile { get; init; }

        [CommandOption("--checkpoint-directory <DIR>")]
        [Description("Where the profile's checkpoint is (overrides the file's checkpoint_directory; default ./checkpoints).")]
        public string? CheckpointDirectory { get; init; }

        [CommandOption("-e|--export-path <DIR>")]
        [Description("Where results/, reports/ and the seed's files go (overrides the file's export_path; default the current folder).")]
        public string? ExportPath { get; init; }

        public override ValidationResult Validate() =>
            ConfigFile is null ? ValidationResult.Error("analyze needs -f FILE, a Model Analyzer analyze YAML.") : ValidationResult.Success();
    }

    public override Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken) =>
        new AnalyzeRun(AnsiConsole.Console).RunAsync(settings.ConfigFile!, settings.CheckpointDirectory, settings.ExportPath, cancellationToken);
}
