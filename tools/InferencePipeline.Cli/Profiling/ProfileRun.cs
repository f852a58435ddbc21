using System.Runtime.InteropServices;
using Grpc.Core;
using InferencePipeline.LoadGen;
using InferencePipeline.LocalInfrastructure;
using InferencePipeline.ModelAnalyzer.Checkpoints;
using InferencePipeline.ModelAnalyzer.Config;
using InferencePipeline.ModelAnalyzer.Measuring;
using InferencePipeline.ModelAnalyzer.Profiling;
using InferencePipeline.ModelAnalyzer.Search;
using InferencePipeline.ModelRepository;
using Spectre.Console;

namespace InferencePipeline.Cli.Profiling;

/// <summary>
/// <c>inferpipe profile -f FILE</c> in this process: reads the Model Analyzer YAML, builds each model's configs, and —
/// unless it is a dry run, which prints the plan and stops — measures them on the server of <c>triton_launch_mode</c>
/// with the shared profile engine, every point checkpointed in <c>checkpoint_directory</c> as it is made, each config
/// written to <c>output_model_repository_path</c>. Run again after an interruption, it measures only what is missing.
/// </summary>
public sealed class ProfileRun(IAnsiConsole console)
{
    /// <param name="checkpointDirectory">Overrides the file's checkpoint_directory when given (Model Analyzer's flag of the same name).</param>
    public async Task<int> RunAsync(string file, bool dryRun, TimeSpan warmup, string? checkpointDirectory, CancellationToken cancellationToken)
    {
        var warnings = new List<string>();
        ModelAnalyzerConfig config;
        IReadOnlyList<ModelProfileJob> jobs;
        try
        {
            config = ModelAnalyzerYaml.Load(file, Directory.GetCurrentDirectory(), warnings);
            if (checkpointDirectory is not null)
            {
                config = config with { CheckpointDirectory = Path.GetFullPath(checkpointDirectory) };
            }

            var output = config.OutputModelRepositoryPath
                ?? throw new ModelAnalyzerConfigException(config.Source, "output_model_repository_path", 0,
                    "profile needs output_model_repository_path: the folder the measured configs are written to.");
            var gpu = new GpuFallback(config.LaunchMode != TritonLaunchMode.Local || NvidiaGpu.IsPresent(), warnings.Add);
            jobs = ProfileJobFactory.Build(config, name => Path.Combine(output, name, ModelConfigFile.FileName), gpu, warnings);
            // Building the plan builds every config, so the warnings of the space (GPU fallback, fields it cannot set) come now.
            var (text, _, _) = PlanPreview.Describe(jobs);
            if (dryRun)
            {
                Warn(warnings);
                console.Write(new Text(text));
                return 0;
            }
        }
        catch (ModelAnalyzerConfigException e)
        {
            Warn(warnings);
            console.MarkupLine($"[red]{Markup.Escape(e.Message)}[/]");
            return 2;
        }

        Warn(warnings);
        return await MeasureAsync(config, jobs, warmup, cancellationToken);
    }

    private async Task<int> MeasureAsync(ModelAnalyzerConfig config, IReadOnlyList<ModelProfileJob> jobs, TimeSpan warmup, CancellationToken commandToken)
    {
        // Ctrl-C and SIGTERM stop the profile between two writes of the checkpoint and say how to resume. Without this the
        // embedded server's host would take the signal (and swallow it) while the profile went on.
        using var interrupted = CancellationTokenSource.CreateLinkedTokenSource(commandToken);
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Interrupt);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Interrupt);
        var cancellationToken = interrupted.Token;

        void Interrupt(PosixSignalContext signal)
        {
            signal.Cancel = true;
            interrupted.Cancel();
        }

        var settingsOf = jobs.ToDictionary(j => j.ModelName, j => Settings(config, j, warmup));
        CheckpointFile checkpoint;
        OutputModelRepository output;
        try
        {
            var fingerprints = jobs.ToDictionary(j => j.ModelName, j => RunFingerprint.Of(ModelPathOf(j), settingsOf[j.ModelName], config));
            checkpoint = CheckpointFile.OpenForProfile(config.CheckpointDirectory, fingerprints);
            output = OutputModelRepository.Prepare(config, resuming: checkpoint.Records.Count > 0);
        }
        catch (Exception e) when (e is CheckpointException or ModelAnalyzerConfigException)
        {
            console.MarkupLine($"[red]{Markup.Escape(e.Message)}[/]");
            return 2;
        }

        if (checkpoint.Records.Count > 0)
        {
            console.MarkupLine($"Resuming from {Markup.Escape(checkpoint.Path)}: {checkpoint.Records.Count} measurements are already there and will not be taken again.");
        }

        ProfileServer server;
        try
        {
            server = await ProfileServer.StartAsync(config, output.Path, cancellationToken);
        }
        catch (ProfileSetupException e)
        {
            console.MarkupLine($"[red]{Markup.Escape(e.Message)}[/]");
            return 2;
        }

        var display = new ProfileDisplay(jobs, console);
        var fresh = 0;
        var replayed = 0;
        await using (server)
        {
            KServeServingMeasurer? measurer = null;
            try
            {
                async Task ProfileAllAsync()
                {
                    foreach (var job in jobs)
                    {
                        measurer = new KServeServingMeasurer(
                            server.Address, server.Control, c => server.EntryOf(job.ModelName, c), settingsOf[job.ModelName]);
                        var engine = new ProfileEngine(measurer, checkpoint, new ObserverFanOut(new OutputEntriesObserver(output), display));
                        await engine.ProfileAsync(job, cancellationToken);
                        fresh += engine.FreshMeasurements;
                        replayed += engine.ReplayedMeasurements;
                        await measurer.UnloadAllAsync();
                        if (!server.ConfigsAreEntries)
                        {
                            // The remote server serves the model again as its own repository has it.
                            await server.Control.LoadAsync(job.ModelName, TimeSpan.FromMinutes(2), CancellationToken.None);
                        }
                    }
                }

                if (display.Live)
                {
                    await console.Live(display.Table).AutoClear(false).StartAsync(async live =>
                    {
                        display.Attach(live);
                        await ProfileAllAsync();
                    });
                }
                else
                {
                    await ProfileAllAsync();
                    console.Write(display.Table);
                }
            }
            catch (Exception) when (cancellationToken.IsCancellationRequested)
            {
                // Whatever the interruption cut short (a load, a measurement) is not in the checkpoint; the rest is.
                console.MarkupLine($"[yellow]Interrupted.[/] The measurements taken are in {Markup.Escape(checkpoint.Path)}; run the same command again to measure only what is missing.");
                return 130;
            }
            catch (MeasurementFailedException e)
            {
                console.MarkupLine($"[red]Profiling stopped:[/] {Markup.Escape(e.Message)}");
                console.MarkupLine($"The measurements taken so far are in {Markup.Escape(checkpoint.Path)}; fix the config and run again to go on.");
                return 1;
            }
            catch (RpcException e) when (e.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded)
            {
                console.MarkupLine($"[red]The inference server at {Markup.Escape(server.Address.ToString())} stopped answering:[/] {Markup.Escape(e.Status.Detail)}. " +
                                   $"Measurements so far are in {Markup.Escape(checkpoint.Path)}; run again to resume.");
                return 1;
            }
            finally
            {
                if (measurer is not null)
                {
                    await measurer.UnloadAllAsync();
                }
            }
        }

        console.MarkupLine($"Profiled {jobs.Count} model(s): {fresh} measurements taken now, {replayed} from the checkpoint {Markup.Escape(checkpoint.Path)}.");
        console.MarkupLine($"Configs are in {Markup.Escape(output.Path)}. Next: [bold]inferpipe analyze -f <analyze.yml>[/].");
        return 0;
    }

    /// <summary>perf_analyzer's flags for a model (its own over the global ones) as the load generator takes them.</summary>
    public static MeasurementSettings Settings(ModelAnalyzerConfig config, ModelProfileJob job, TimeSpan warmup)
    {
        var flags = config.FlagsFor(job.ModelName);
        var options = new LoadGenOptions
        {
            WindowMs = flags.MeasurementIntervalMs ?? 1000,
            StabilityPercentage = flags.StabilityPercentage ?? PerfAnalyzerFlags.DefaultStabilityPercentage,
            MaxTrials = flags.MaxTrials ?? 10,
            StabilityMetric = flags.Percentile == 99 ? StabilityLatencyMetric.P99 : StabilityLatencyMetric.Avg,
        };
        var (mode, file) = flags.InputData switch
        {
            null or "random" => (InputDataMode.Random, (string?)null),
            "zero" => (InputDataMode.Zero, null),
            var path => (InputDataMode.Random, path),
        };
        return new MeasurementSettings(options, flags.Shapes, mode, file, WarmupLimit: config.LaunchMode == TritonLaunchMode.Local ? warmup : TimeSpan.Zero,
            UnloadAfterEachConfig: config.LaunchMode == TritonLaunchMode.Local);
    }

    private static string ModelPathOf(ModelProfileJob job) =>
        job.Fixed.Count > 0 ? job.Fixed[0].ModelPath : job.Grid!.At(new int[job.Grid.Axes.Count]).ModelPath;

    private void Warn(List<string> warnings)
    {
        foreach (var warning in warnings)
        {
            console.MarkupLine($"[yellow]warning:[/] {Markup.Escape(warning)}");
        }

        warnings.Clear();
    }
}
