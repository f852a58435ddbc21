using System.Diagnostics;
using InferencePipeline.Cli;
using InferencePipeline.Cli.Profiling;
using InferencePipeline.ModelAnalyzer.Checkpoints;
using InferencePipeline.ModelRepository;
using InferencePipeline.Testing;
using InferencePipeline.Testing.Models;
using Xunit.Abstractions;

namespace InferencePipeline.EndToEndTests;

/// <summary>
/// <c>inferpipe profile</c> and <c>analyze</c> on the seed's workspace: the seed's plan, a real profile on the embedded
/// server followed by the seed's analyze file, a profile killed midway and run again, and every bad input the issue
/// lists, each with a clear message and nothing written where it should not be.
/// </summary>
public sealed class ProfileCommandTests(ITestOutputHelper log) : IAsyncLifetime
{
    private const string SmallSearch = """
        run_config_search_mode: quick
        run_config_search_max_instance_count: 2
        run_config_search_max_model_batch_size: 4
        concurrency: [1, 2]
        """;

    private ProfileWorkspace _workspace = null!;

    public async Task InitializeAsync() => _workspace = await ProfileWorkspace.CreateAsync();

    public async Task DisposeAsync()
    {
        log.WriteLine(_workspace.Output);
        await _workspace.DisposeAsync();
    }

    [Fact]
    public async Task The_seeds_profile_file_unchanged_plans_26_configs_and_a_dry_run_writes_nothing()
    {
        var before = _workspace.Files();

        var exit = await new ProfileRun(_workspace.Console).RunAsync(_workspace.Seed.ProfileFile, dryRun: true, TimeSpan.Zero, null, CancellationToken.None);

        Assert.Equal(0, exit);
        Assert.Contains("26 configs, at most 208 measurements", _workspace.Output);
        Assert.Contains("bertsquad_config_24: max_batch_size 16, dynamic batching [16], 5×CPU", _workspace.Output);
        Assert.Contains("KIND_GPU was asked for", _workspace.Output);
        Assert.Equal(before, _workspace.Files());
        // The command line takes the same path.
        Assert.Equal(0, await InferpipeApp.Create().RunAsync(["profile", "-f", _workspace.Seed.ProfileFile, "--dry-run"]));
        Assert.Equal(before, _workspace.Files());
    }

    [Fact]
    public async Task A_profile_then_the_seeds_analyze_file_write_model_analyzers_csv_report_plot_and_config_location()
    {
        var profile = await _workspace.WriteProfileAsync(SmallSearch + "\nprofile_models: [bert_default, bertsquad]");

        Assert.Equal(0, await _workspace.ProfileAsync(profile));
        Assert.Equal(0, await _workspace.AnalyzeAsync(_workspace.Seed.AnalyzeFile));

        var export = _workspace.Seed.ExportPath;
        var csv = File.ReadAllLines(Path.Combine(export, "results", "metrics-model-inference.csv"));
        Assert.Equal("Model,Batch,Concurrency,Model Config Path,Instance Group,Preferred Batch Sizes,Satisfies Constraints,Throughput (infer/sec),p99 Latency (ms)", csv[0]);
        var rows = csv.Skip(1).Select(l => l.Split(',')).ToList();
        Assert.Equal(["bert_default", "bertsquad"], rows.Select(r => r[0]).Distinct().Order());
        Assert.Contains(rows, r => r[3] == "bertsquad_config_default" && r[5] == "Disabled");
        Assert.All(rows, r => Assert.Matches("^[1-9]:CPU$", r[4]));
        Assert.Equal("Model\n", File.ReadAllText(Path.Combine(export, "results", "metrics-server-only.csv")));

        var location = File.ReadAllText(Path.Combine(export, AnalyzeRun.Location)).Trim();
        Assert.StartsWith(_workspace.Seed.OutputRepository, location);
        Assert.True(File.Exists(Path.Combine(location, ModelConfigFile.FileName)), $"{location} holds no config.pbtxt");
        Assert.Equal([0x89, 0x50, 0x4E, 0x47], File.ReadAllBytes(Path.Combine(export, AnalyzeRun.Plot)).Take(4));
        var report = File.ReadAllText(Path.Combine(export, "reports", "summaries", "bertsquad", AnalyzeRun.Summary));
        Assert.Contains("measurements across", report);
        Assert.Contains("Latency breakdown of the chosen config", report);
        Assert.Contains("Server queue", report);
        Assert.Contains("bertsquad: In ", _workspace.Output);
    }

    [Fact]
    public async Task Interrupted_with_ctrl_c_then_killed_then_run_again_it_measures_each_point_once()
    {
        // 4 configs (the default and 3 more instance counts) × 3 concurrencies: 12 measurements, no early exit.
        var profile = await _workspace.WriteProfileAsync("""
            concurrency: [1, 2, 4]
            profile_models:
              bertsquad:
                model_config_parameters:
                  instance_group:
                    - kind: KIND_CPU
                      count: [2, 3, 4]
            """);
        var checkpoint = CheckpointFile.PathIn(_workspace.Seed.CheckpointDirectory);
        int Checkpointed() => File.Exists(checkpoint) ? CheckpointFile.Read(checkpoint).Measurements.Count : 0;

        // Ctrl-C: the profile stops between two checkpoint writes and says how to go on.
        var (interrupted, output) = await RunChildUntilAsync(profile, () => Checkpointed() >= 2, "-INT");
        Assert.Equal(130, interrupted);
        Assert.Contains("Interrupted.", output);
        var afterInterrupt = CheckpointFile.Read(checkpoint).Measurements;

        // SIGKILL: nothing to say, the checkpoint is whole all the same.
        var (killed, _) = await RunChildUntilAsync(profile, () => Checkpointed() >= afterInterrupt.Count + 2, "-KILL");
        Assert.Equal(137, killed);
        var before = CheckpointFile.Read(checkpoint).Measurements;
        Assert.InRange(before.Count, afterInterrupt.Count + 2, 11);

        Assert.Equal(0, await _workspace.ProfileAsync(profile));

        var after = CheckpointFile.Read(checkpoint).Measurements;
        Assert.Equal(12, after.Count);
        Assert.Equal(12, after.Select(r => (r.Identity, r.Concurrency)).Distinct().Count());
        // What the interrupted runs measured is kept as it was, not measured again.
        Assert.Equal(before.Select(r => r.Measurement.Stats), after.Take(before.Count).Select(r => r.Measurement.Stats));
        Assert.Equal(afterInterrupt.Select(r => r.Measurement.Stats), before.Take(afterInterrupt.Count).Select(r => r.Measurement.Stats));
        Assert.Contains($"{before.Count} measurements are already there", _workspace.Output);
        Assert.Contains($"{12 - before.Count} measurements taken now, {before.Count} from the checkpoint", _workspace.Output);
        log.WriteLine($"checkpointed: {afterInterrupt.Count} after Ctrl-C, {before.Count} after SIGKILL, 12 after the last run");
    }

    /// <summary>Runs the CLI as a child process and sends it <paramref name="signal"/> once <paramref name="until"/> holds; returns its exit code and output.</summary>
    private async Task<(int ExitCode, string Output)> RunChildUntilAsync(string profile, Func<bool> until, string signal)
    {
        var start = new ProcessStartInfo(Path.Combine(AppContext.BaseDirectory, "inferpipe"), ["profile", "-f", profile, "--warmup-seconds", "0"])
        {
            WorkingDirectory = _workspace.Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        var output = new System.Text.StringBuilder();
        using var child = Process.Start(start)!;
        child.OutputDataReceived += (_, e) =>
        {
            lock (output)
            {
                output.AppendLine(e.Data);
            }
        };
        child.BeginOutputReadLine();
        await Eventually.TrueAsync(until, TimeSpan.FromSeconds(120), $"the profile never got as far as the test waits for before {signal}");
        using (var kill = Process.Start("kill", [signal, child.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!)
        {
            await kill.WaitForExitAsync();
        }

        await child.WaitForExitAsync();
        lock (output)
        {
            log.WriteLine($"child ({signal}): exit {child.ExitCode}\n{output}");
            return (child.ExitCode, output.ToString());
        }
    }

    [Fact]
    public async Task A_missing_yaml_is_an_error_naming_it_and_nothing_is_written()
    {
        var before = _workspace.Files();
        var missing = Path.Combine(_workspace.Root, "nope.yml");

        Assert.Equal(2, await _workspace.ProfileAsync(missing));
        Assert.Equal(2, await _workspace.AnalyzeAsync(missing));

        Assert.Contains($"{missing}: the file does not exist", _workspace.Output);
        Assert.Equal(before, _workspace.Files());
    }

    [Fact]
    public async Task A_model_missing_from_the_repository_is_an_error_naming_it_and_nothing_is_written()
    {
        var profile = await _workspace.WriteProfileAsync(SmallSearch + "\nprofile_models: [bertsquad, bert_large]");
        var before = _workspace.Files();

        Assert.Equal(2, await _workspace.ProfileAsync(profile));

        Assert.Contains("profile_models.bert_large: model 'bert_large' is not in the model repository", _workspace.Output);
        Assert.Equal(before, _workspace.Files());
    }

    [Fact]
    public async Task A_config_the_server_refuses_stops_the_profile_naming_it_and_a_rerun_measures_nothing_twice()
    {
        var profile = await _workspace.WriteProfileAsync("""
            concurrency: [1, 2]
            profile_models:
              bertsquad:
                model_config_parameters:
                  input:
                    - [ { name: NO_SUCH_INPUT, data_type: TYPE_FP32, dims: [16] } ]
            """);

        Assert.Equal(1, await _workspace.ProfileAsync(profile));
        Assert.Contains("could not load config 'bertsquad_config_0'", _workspace.Output);
        Assert.Contains("NO_SUCH_INPUT", _workspace.Output);
        var checkpoint = CheckpointFile.PathIn(_workspace.Seed.CheckpointDirectory);
        var measured = CheckpointFile.Read(checkpoint).Measurements;
        Assert.Equal(["bertsquad_config_default"], measured.Select(m => m.Measurement.Config.Name).Distinct());

        Assert.Equal(1, await _workspace.ProfileAsync(profile));
        Assert.Equal(measured.Count, CheckpointFile.Read(checkpoint).Measurements.Count);
        Assert.Contains($"{measured.Count} measurements are already there", _workspace.Output);
    }

    [Fact]
    public async Task An_unreachable_remote_server_is_an_error_naming_the_endpoint()
    {
        var port = InferencePipeline.LocalInfrastructure.FreePort.Get();
        var profile = await _workspace.WriteProfileAsync($"triton_launch_mode: remote\ntriton_grpc_endpoint: 127.0.0.1:{port}\nprofile_models: [bertsquad]");

        Assert.Equal(2, await _workspace.ProfileAsync(profile));

        Assert.Contains($"Cannot reach a KServe v2 gRPC server at http://127.0.0.1:{port}/ (triton_grpc_endpoint '127.0.0.1:{port}'", _workspace.Output);
        Assert.False(File.Exists(CheckpointFile.PathIn(_workspace.Seed.CheckpointDirectory)));
    }

    [Fact]
    public async Task A_corrupt_checkpoint_or_one_from_another_run_is_refused_naming_the_file()
    {
        var profile = await _workspace.WriteProfileAsync("concurrency: [1]\nbatch_sizes: [1, 2]\nrun_config_search_disable: true\nprofile_models: [bertsquad]");
        var checkpoint = CheckpointFile.PathIn(_workspace.Seed.CheckpointDirectory);
        Assert.Equal(0, await _workspace.ProfileAsync(profile));
        // perf_analyzer's client batch sizes are points of their own.
        Assert.Equal([1, 2], CheckpointFile.Read(checkpoint).Measurements.Select(m => m.Measurement.BatchSize).Order());
        var good = await File.ReadAllTextAsync(checkpoint);

        // Another run: the model file changed since the checkpoint was written.
        File.Copy(TestModels.Identity, ModelRepositoryLayout.ModelPath(_workspace.Seed.Repository.Root, "bertsquad"), overwrite: true);
        Assert.Equal(2, await _workspace.ProfileAsync(profile));
        Assert.Contains($"Checkpoint {checkpoint}: it holds measurements of model 'bertsquad' from another run", _workspace.Output);
        Assert.Equal(good, await File.ReadAllTextAsync(checkpoint));

        await File.WriteAllTextAsync(checkpoint, good[..(good.Length / 2)]);
        Assert.Equal(2, await _workspace.ProfileAsync(profile));
        Assert.Equal(2, await _workspace.AnalyzeAsync(profile));
        Assert.Contains($"Checkpoint {checkpoint}: the file is corrupt", _workspace.Output);
    }

    [Fact]
    public async Task An_output_repository_with_files_is_kept_unless_override_is_set()
    {
        var profile = await _workspace.WriteProfileAsync("concurrency: [1]\nrun_config_search_disable: true\nprofile_models: [bertsquad]");
        Directory.CreateDirectory(_workspace.Seed.OutputRepository);
        var keep = Path.Combine(_workspace.Seed.OutputRepository, "notes.txt");
        await File.WriteAllTextAsync(keep, "mine");

        Assert.Equal(2, await _workspace.ProfileAsync(profile));
        Assert.Contains("already holds files; set override_output_model_repository: true", _workspace.Output);
        Assert.True(File.Exists(keep));

        await File.AppendAllTextAsync(profile, "override_output_model_repository: true\n");
        Assert.Equal(0, await _workspace.ProfileAsync(profile));
        Assert.False(File.Exists(keep));
        Assert.True(File.Exists(Path.Combine(_workspace.Seed.OutputRepository, "bertsquad_config_default", ModelConfigFile.FileName)));
    }
}
