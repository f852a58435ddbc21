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

        [CommandOption("--remote <AMQP_URL>")]
        [Description("Send the profile to the running services over this RabbitMQ instead of measuring here (needs --artifacts).")]
        public string? Remote { get; init; }

        [CommandOption("--artifacts <DIR>")]
        [Description("With --remote: the services' artifact store root (their Pipeline:Artifacts:Root), shared with this machine.")]
        public string? Artifacts { get; init; }

        [CommandOption("--timeout-minutes <MIN>")]
        [Description("With --remote: give up waiting for the services after this long.")]
        [DefaultValue(120)]
        public int TimeoutMinutes { get; init; } = 120;

        [CommandOption("--warmup-seconds <S>")]
        [Description("Local mode: load before the first measurement until the JIT has settled, at most this long (0 skips it).")]
        [DefaultValue(20)]
        public int WarmupSeconds { get; init; } = 20;

        public override ValidationResult Validate() =>
            ConfigFile is null ? ValidationResult.Error("profile needs -f FILE, a Model Analyzer profile YAML.")
            : WarmupSeconds < 0 ? ValidationResult.Error("--warmup-seconds must be 0 or more.")
            : Remote is not null && Artifacts is null ? ValidationResult.Error("--remote needs --artifacts DIR, the artifact store the services share with this machine.")
            : Remote is not null && DryRun ? ValidationResult.Error("--dry-run plans in process; leave out --remote.")
            : TimeoutMinutes < 1 ? ValidationResult.Error("--timeout-minutes must be at least 1.")
            : ValidationResult.Success();
    }

    public override Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken) =>
        settings.Remote is { } remote
            ? new RemoteProfileRun(AnsiConsole.Console).RunAsync(
                settings.ConfigFile!, remote, settings.Artifacts!, settings.CheckpointDirectory, TimeSpan.FromMinutes(settings.TimeoutMinutes), cancellationToken)
            : new ProfileRun(AnsiConsole.Console).RunAsync(
                settings.ConfigFile!, settings.DryRun, TimeSpan.FromSeconds(settings.WarmupSeconds), settings.CheckpointDirectory, cancellationToken);
}
