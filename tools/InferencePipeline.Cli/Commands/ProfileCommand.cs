using System.ComponentModel;
using InferencePipeline.Cli.Profiling;
using Spectre.Console;
using Spectre.Console.Cli;

namespace InferencePipeline.Cli.Commands;

/// <summary><c>inferpipe profile -f FILE</c>: Model Analyzer's profile, driven by its YAML.</summary>
public sealed class ProfileCommand : AsyncCommand<ProfileCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("-f|--config-file <FILE>")]
        [Description("A Model Analyzer profile YAML (model_repository, profile_models, output_model_repository_path, ...).")]
        public string? ConfigFile { get; init; }

        [CommandOption("--dry-run")]
        [Description("Print each config and the loads it would be measured at, and how many measurements at most; measure and write nothing.")]
        public bool DryRun { get; init; }

        [CommandOption("--checkpoint-directory <DIR>")]
        [Description("Where the checkpoint is kept (overrides the file's checkpoint_directory; default ./checkpoints).")]
        public string? CheckpointDirectory { get; init; }

        [CommandOption("--warmup-seconds <S>")]
        [Description("Local mode: load before the first measurement until the JIT has settled, at most this long (0 skips it).")]
        [DefaultValue(20)]
        public int WarmupSeconds { get; init; } = 20;

        public override ValidationResult Validate() =>
            ConfigFile is null ? ValidationResult.Error("profile needs -f FILE, a Model Analyzer profile YAML.")
            : WarmupSeconds < 0 ? ValidationResult.Error("--warmup-seconds must be 0 or more.")
            : ValidationResult.Success();
    }

    public override Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken) =>
        new ProfileRun(AnsiConsole.Console).RunAsync(
            settings.ConfigFile!, settings.DryRun, TimeSpan.FromSeconds(settings.WarmupSeconds), settings.CheckpointDirectory, cancellationToken);
}
