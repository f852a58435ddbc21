using InferencePipeline.Contracts;
using InferencePipeline.ModelAnalyzer.Checkpoints;
using InferencePipeline.ModelAnalyzer.Config;
using InferencePipeline.ModelAnalyzer.Profiling;
using InferencePipeline.ModelAnalyzer.Reports;
using InferencePipeline.ModelAnalyzer.Search;
using InferencePipeline.ModelRepository;
using InferencePipeline.Testing.Models;

namespace InferencePipeline.ModelAnalyzer.Tests;

/// <summary>The profile engine on a stand-in server with a known optimum: brute against quick, and interrupt-and-resume.</summary>
public sealed class ProfileEngineTests : IDisposable
{
    private const string Yaml = """
        run_config_search_max_instance_count: 5
        run_config_search_max_model_batch_size: 128
        run_config_search_max_concurrency: 256
        profile_models: [add]
        """;

    private readonly TestModelRepository _repository = new();
    private readonly string _checkpoints = Directory.CreateTempSubdirectory("inferpipe-ckpt-").FullName;

    [Fact]
    public async Task Brute_force_measures_every_config_and_finds_the_peak()
    {
        var job = await JobAsync(ConfigSearchMode.Brute);
        var server = new SurfaceMeasurer();

        var measurements = await new ProfileEngine(server, NoCheckpoints.Instance, SilentObserver.Instance).ProfileAsync(job, CancellationToken.None);

        Assert.Equal(1 + 5 * 8, measurements.Select(m => m.Config.Name).Distinct().Count());
        Assert.Equal(1 + 5 * 8, server.Loads);
        var best = Best(measurements);
        Assert.Equal((8, 3), (best.Config.MaxBatchSize, best.Config.InstanceCount));
        Assert.Equal(measurements.Count, server.Measured.Distinct().Count());
    }

    [Fact]
    public async Task Quick_search_reaches_the_brute_force_optimum_with_under_a_third_of_its_measurements()
    {
        var brute = await new ProfileEngine(new SurfaceMeasurer(), NoCheckpoints.Instance, SilentObserver.Instance)
            .ProfileAsync(await JobAsync(ConfigSearchMode.Brute), CancellationToken.None);
        var server = new SurfaceMeasurer();

        var quick = await new ProfileEngine(server, NoCheckpoints.Instance, SilentObserver.Instance)
            .ProfileAsync(await JobAsync(ConfigSearchMode.Quick), CancellationToken.None);

        Assert.True(Best(quick).Stats.ThroughputPerSec >= 0.95 * Best(brute).Stats.ThroughputPerSec,
            $"quick best {Best(quick).Stats.ThroughputPerSec:F1} vs brute {Best(brute).Stats.ThroughputPerSec:F1}");
        Assert.True(quick.Count * 3 <= brute.Count, $"quick took {quick.Count} measurements, brute {brute.Count}");
        Assert.Equal(quick.Count, server.Measured.Count);
        Assert.Equal(server.Measured.Count, server.Measured.Distinct().Count());
        // The default was swept first, then the climb started at the space's origin.
        Assert.Equal("add_config_default", quick[0].Config.Name);
    }

    /// <summary>
    /// A CPU-like space: from max_batch_size 2 to 16 every config serves within 3% of the others (one measurement's
    /// noise), and the peak lies past that plateau at 64; more instances only contend. A strict climb stops on the
    /// plateau at about 0.8 of the peak.
    /// </summary>
    private static double PlateauThroughput(PlannedServingConfig config, LoadPoint point)
    {
        var level = config.ModelBatch switch { 1 => 70, 2 => 100, 4 => 98, 8 => 101, 16 => 99, 32 => 120, 64 => 125, _ => 90 };
        var saturation = Math.Min(1.0, point.Concurrency / (double)(config.ModelBatch * config.InstanceCount));
        return level * (1 - 0.1 * (config.InstanceCount - 1)) * saturation;
    }

    [Fact]
    public async Task Quick_search_crosses_a_plateau_of_configs_level_within_noise_to_the_peak_beyond()
    {
        var brute = await new ProfileEngine(new SurfaceMeasurer(PlateauThroughput), NoCheckpoints.Instance, SilentObserver.Instance)
            .ProfileAsync(await JobAsync(ConfigSearchMode.Brute), CancellationToken.None);
        var server = new SurfaceMeasurer(PlateauThroughput);

        var quick = await new ProfileEngine(server, NoCheckpoints.Instance, SilentObserver.Instance)
            .ProfileAsync(await JobAsync(ConfigSearchMode.Quick), CancellationToken.None);

        Assert.Equal((64, 1), (Best(brute).Config.MaxBatchSize, Best(brute).Config.InstanceCount));
        Assert.Equal((64, 1), (Best(quick).Config.MaxBatchSize, Best(quick).Config.InstanceCount));
        Assert.True(quick.Count * 3 <= brute.Count, $"quick took {quick.Count} measurements, brute {brute.Count}");
        Assert.Equal(server.Measured.Count, server.Measured.Distinct().Count());
    }

    [Fact]
    public async Task The_plateau_margin_is_the_measurements_stability_band()
    {
        // With a 1% band the 2-3% differences on the plateau are real, and the climb stops on it.
        var narrow = await new ProfileEngine(new SurfaceMeasurer(PlateauThroughput), NoCheckpoints.Instance, SilentObserver.Instance)
            .ProfileAsync(await JobAsync(ConfigSearchMode.Quick, "perf_analyzer_flags:\n  stability-percentage: 1\n"), CancellationToken.None);

        Assert.Equal(0.01, (await JobAsync(ConfigSearchMode.Quick, "perf_analyzer_flags:\n  stability-percentage: 1\n")).NoiseMargin, 6);
        Assert.Equal(0.10, (await JobAsync(ConfigSearchMode.Quick)).NoiseMargin, 6);
        Assert.True(Best(narrow).Config.MaxBatchSize <= 16, $"with a 1% band the climb crossed the plateau to max_batch_size {Best(narrow).Config.MaxBatchSize}");
    }

    [Fact]
    public async Task On_a_flat_space_quick_search_takes_two_level_steps_then_stops()
    {
        var server = new SurfaceMeasurer((_, _) => 100);

        var quick = await new ProfileEngine(server, NoCheckpoints.Instance, SilentObserver.Instance)
            .ProfileAsync(await JobAsync(ConfigSearchMode.Quick), CancellationToken.None);

        // The origin and its two neighbours, then two level steps that each add two new neighbours: 7 candidates,
        // besides the default; the final sweeps only revisit candidates.
        Assert.Equal(HillClimb.PlateauMoves, 2);
        Assert.Equal(1 + 7, quick.Select(m => m.Config.Name).Distinct().Count());
    }

    [Fact]
    public async Task An_interrupted_profile_resumes_from_its_checkpoint_and_measures_nothing_twice()
    {
        var uninterrupted = new SurfaceMeasurer();
        var expected = await new ProfileEngine(uninterrupted, NoCheckpoints.Instance, SilentObserver.Instance)
            .ProfileAsync(await JobAsync(ConfigSearchMode.Quick), CancellationToken.None);

        var fingerprints = new Dictionary<string, string> { ["add"] = "run-1" };
        var first = new SurfaceMeasurer { StopAfter = 17 };
        var job = await JobAsync(ConfigSearchMode.Quick);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            new ProfileEngine(first, CheckpointFile.OpenForProfile(_checkpoints, fingerprints), SilentObserver.Instance).ProfileAsync(job, first.Stop.Token));
        Assert.Equal(17, first.Measured.Count);
        Assert.Equal(17, CheckpointFile.Read(CheckpointFile.PathIn(_checkpoints)).Measurements.Count);

        var second = new SurfaceMeasurer();
        var engine = new ProfileEngine(second, CheckpointFile.OpenForProfile(_checkpoints, fingerprints), SilentObserver.Instance);
        var resumed = await engine.ProfileAsync(await JobAsync(ConfigSearchMode.Quick), CancellationToken.None);

        Assert.Equal(17, engine.ReplayedMeasurements);
        Assert.Equal(expected.Count - 17, second.Measured.Count);
        Assert.Empty(first.Measured.Intersect(second.Measured));
        Assert.Equal(expected.Select(m => (m.Config.Name, m.Concurrency)), resumed.Select(m => (m.Config.Name, m.Concurrency)));
        Assert.Equal(expected.Count, CheckpointFile.Read(CheckpointFile.PathIn(_checkpoints)).Measurements.Count);
    }

    [Fact]
    public async Task A_checkpoint_of_another_run_or_a_corrupt_one_is_refused_naming_the_file()
    {
        var job = await JobAsync(ConfigSearchMode.Brute);
        var server = new SurfaceMeasurer { StopAfter = 2 };
        var checkpoint = CheckpointFile.OpenForProfile(_checkpoints, new Dictionary<string, string> { ["add"] = "model-v1" });
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => new ProfileEngine(server, checkpoint, SilentObserver.Instance).ProfileAsync(job, server.Stop.Token));
        var path = CheckpointFile.PathIn(_checkpoints);

        var other = Assert.Throws<CheckpointException>(() => CheckpointFile.OpenForProfile(_checkpoints, new Dictionary<string, string> { ["add"] = "model-v2" }));
        Assert.Contains(path, other.Message);
        Assert.Contains("model 'add' from another run", other.Message);
        // Another model is not another run: its measurements join the file.
        Assert.Equal(2, CheckpointFile.OpenForProfile(_checkpoints, new Dictionary<string, string> { ["bert"] = "x" }).Records.Count);

        await File.WriteAllTextAsync(path, "{\"format\": \"inferpipe-profile-checkpoint/1\", \"models\": {\"add\": ");
        var corrupt = Assert.Throws<CheckpointException>(() => CheckpointFile.OpenForProfile(_checkpoints, new Dictionary<string, string> { ["add"] = "model-v1" }));
        Assert.Contains(path, corrupt.Message);
        Assert.Contains("corrupt", corrupt.Message);

        await File.WriteAllTextAsync(path, "{\"format\": \"model-analyzer\", \"models\": {}, \"measurements\": []}");
        Assert.Contains("not an inferpipe profile checkpoint", Assert.Throws<CheckpointException>(() => CheckpointFile.Read(path)).Message);
    }

    [Fact]
    public async Task A_profile_whose_checkpoint_holds_everything_loads_no_config()
    {
        var fingerprints = new Dictionary<string, string> { ["add"] = "run" };
        await new ProfileEngine(new SurfaceMeasurer(), CheckpointFile.OpenForProfile(_checkpoints, fingerprints), SilentObserver.Instance)
            .ProfileAsync(await JobAsync(ConfigSearchMode.Quick), CancellationToken.None);
        var again = new SurfaceMeasurer();

        var replayed = await new ProfileEngine(again, CheckpointFile.OpenForProfile(_checkpoints, fingerprints), SilentObserver.Instance)
            .ProfileAsync(await JobAsync(ConfigSearchMode.Quick), CancellationToken.None);

        Assert.Equal(0, again.Loads);
        Assert.NotEmpty(replayed);
    }

    private static ProfileMeasurement Best(IReadOnlyList<ProfileMeasurement> measurements) => measurements.MaxBy(m => m.Stats.ThroughputPerSec)!;

    private async Task<ModelProfileJob> JobAsync(ConfigSearchMode mode, string extraYaml = "")
    {
        if (!Directory.Exists(Path.Combine(_repository.Root, "add")))
        {
            await _repository.AddAddAsync("add", maxBatchSize: 8);
        }

        var warnings = new List<string>();
        var config = ModelAnalyzerYaml.Parse($"model_repository: {_repository.Root}\n{Yaml}\n{extraYaml}", "t.yml", _repository.Root, warnings) with { SearchMode = mode };
        return Assert.Single(ProfileJobFactory.Build(config, n => Path.Combine("out", n, ModelConfigFile.FileName), new GpuFallback(false, warnings.Add), warnings));
    }

    public void Dispose()
    {
        _repository.Dispose();
        Directory.Delete(_checkpoints, recursive: true);
    }
}
