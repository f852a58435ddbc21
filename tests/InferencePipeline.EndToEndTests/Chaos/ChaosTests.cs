using System.Diagnostics;
using InferencePipeline.Contracts;
using InferencePipeline.Orchestrator;
using InferencePipeline.Testing;
using InferencePipeline.Testing.Models;
using StackExchange.Redis;
using Xunit.Abstractions;

namespace InferencePipeline.EndToEndTests.Chaos;

/// <summary>
/// The system's reliability promise, tried on real processes: a stage host, RabbitMQ or Redis killed with SIGKILL
/// mid-profile and started again, and many pipelines started at once. Each run must complete with every measurement
/// taken exactly once (none lost, none repeated) and one of each artifact.
/// </summary>
[Collection(ChaosCollection.Name)]
[Trait(TestCategory.Name, TestCategory.Chaos)]
public sealed class ChaosTests(ServiceCluster cluster, ITestOutputHelper output)
{
    private static readonly TimeSpan RunTimeout = TimeSpan.FromMinutes(4);

    /// <summary>Default + ORT-tuned + 1 batch size × 2 instance counts = 4 configs, each at 3 concurrencies.</summary>
    private static readonly SearchSpace KillSearch = TestRequests.TinySearch with { Concurrency = [1, 2, 4], InstanceCounts = [1, 2] };

    private const int KillSearchPoints = 4 * 3;

    /// <summary><see cref="TestRequests.TinySearch"/>: default + ORT-tuned + one search config, at 2 concurrencies.</summary>
    private const int TinySearchPoints = 3 * 2;

    [Fact]
    public async Task Profiler_killed_mid_profile_and_started_again_completes_with_every_measurement_once()
    {
        var request = TestRequests.For(TestModels.Add, "add_kill_profiler") with { SearchSpace = KillSearch };
        var clock = Stopwatch.StartNew();
        await cluster.Api.StartAsync(request);

        var before = await WaitForMeasurementsAsync(request, 1);
        var pid = await cluster.KillAsync("TritonProfiler");
        output.WriteLine($"{clock.Elapsed.TotalSeconds:F1} s: SIGKILL TritonProfiler (pid {pid}) at {before.MeasurementsDone}/{before.MeasurementsTotal} measurements");
        await cluster.StartAsync("TritonProfiler");
        output.WriteLine($"{clock.Elapsed.TotalSeconds:F1} s: TritonProfiler started again");

        var final = await WaitForEndAsync(request);
        output.WriteLine($"{clock.Elapsed.TotalSeconds:F1} s: {final.State}");
        await AssertEveryPointOnceAsync(request, final, KillSearchPoints);
    }

    [Fact]
    public async Task Rabbitmq_killed_mid_profile_and_started_again_on_its_data_lets_the_pipeline_complete()
    {
        var request = TestRequests.For(TestModels.Add, "add_kill_rabbitmq") with { SearchSpace = KillSearch };
        var clock = Stopwatch.StartNew();
        await cluster.Api.StartAsync(request);

        var before = await WaitForMeasurementsAsync(request, 1);
        await cluster.RabbitMq.KillAsync();
        output.WriteLine($"{clock.Elapsed.TotalSeconds:F1} s: SIGKILL RabbitMQ at {before.MeasurementsDone}/{before.MeasurementsTotal} measurements");
        await cluster.RabbitMq.StartAsync();
        output.WriteLine($"{clock.Elapsed.TotalSeconds:F1} s: RabbitMQ answers again on port {cluster.RabbitMq.Port}");

        var final = await WaitForEndAsync(request);
        output.WriteLine($"{clock.Elapsed.TotalSeconds:F1} s: {final.State}");
        await AssertEveryPointOnceAsync(request, final, KillSearchPoints);
    }

    [Fact]
    public async Task Redis_killed_mid_profile_and_started_again_on_its_append_only_file_keeps_the_saga_and_completes()
    {
        var request = TestRequests.For(TestModels.Add, "add_kill_redis") with { SearchSpace = KillSearch };
        var clock = Stopwatch.StartNew();
        await cluster.Api.StartAsync(request);

        var before = await WaitForMeasurementsAsync(request, 1);
        await cluster.Redis.KillAsync();
        output.WriteLine($"{clock.Elapsed.TotalSeconds:F1} s: SIGKILL Redis at {before.MeasurementsDone}/{before.MeasurementsTotal} measurements");
        await cluster.Redis.StartAsync();
        output.WriteLine($"{clock.Elapsed.TotalSeconds:F1} s: Redis answers again on port {cluster.Redis.Port}");

        var final = await WaitForEndAsync(request);
        output.WriteLine($"{clock.Elapsed.TotalSeconds:F1} s: {final.State}");
        await AssertEveryPointOnceAsync(request, final, KillSearchPoints);
    }

    [Fact]
    public async Task Ort_tuner_killed_mid_tuning_and_started_again_completes_with_every_measurement_once()
    {
        var request = TestRequests.For(TestModels.Add, "add_kill_tuner");
        var trialsBefore = TunerLog(IsTrial);
        var clock = Stopwatch.StartNew();
        await cluster.Api.StartAsync(request);

        // Killed right after its first trial of this pipeline: the others (each a session and its windows) are still to come.
        await Eventually.ValueAsync(() => Task.FromResult(TunerLog(IsTrial)), trials => trials > trialsBefore, RunTimeout,
            _ => $"the tuner's first trial:\n{cluster.Describe()}");
        var chosenBefore = TunerLog(IsChoice);
        var pid = await cluster.KillAsync("OrtTuner");
        output.WriteLine($"{clock.Elapsed.TotalSeconds:F1} s: SIGKILL OrtTuner (pid {pid}) after {TunerLog(IsTrial) - trialsBefore} trial(s) of this pipeline, " +
            $"{chosenBefore} choices made by then in all runs");
        await cluster.StartAsync("OrtTuner");
        output.WriteLine($"{clock.Elapsed.TotalSeconds:F1} s: OrtTuner started again");

        var final = await WaitForEndAsync(request);
        output.WriteLine($"{clock.Elapsed.TotalSeconds:F1} s: {final.State}; the tuner chose {TunerLog(IsChoice) - chosenBefore} time(s) for this pipeline after the kill");
        await AssertEveryPointOnceAsync(request, final, TinySearchPoints);
        // The killed tuner never finished: the one choice is the restarted tuner's.
        Assert.Equal(1, TunerLog(IsChoice) - chosenBefore);
        Assert.Single(cluster.LogOf("OrtTuner"), l => IsChoice(l) && l.Contains(request.PipelineId.ToString(), StringComparison.Ordinal));
    }

    /// <summary>
    /// A stage host hung (SIGSTOP) before the run reaches it, then SIGKILLed once the saga has sent it the command: the
    /// command, delivered to the hung host or waiting for it, goes back to the queue and the restarted host handles it once.
    /// </summary>
    [Theory]
    [InlineData("Converter", PipelineStage.Converting)]
    [InlineData("Analyzer", PipelineStage.Analyzing)]
    [InlineData("Deployer", PipelineStage.Deploying)]
    public async Task Stage_killed_holding_its_command_and_started_again_completes_the_pipeline_once(string stage, PipelineStage at)
    {
        var request = TestRequests.For(TestModels.Add, $"add_kill_{stage.ToLowerInvariant()}");
        var clock = Stopwatch.StartNew();
        cluster.Freeze(stage);
        PipelineStatus before;
        try
        {
            await cluster.Api.StartAsync(request);
            before = await cluster.Api.WaitForAsync(request.PipelineId, s => s.Stage == at, RunTimeout, cluster.Describe);
        }
        finally
        {
            // Whatever happened, the next test finds the stage running.
            var pid = await cluster.KillAsync(stage);
            output.WriteLine($"{clock.Elapsed.TotalSeconds:F1} s: SIGKILL {stage} (pid {pid}, stopped since the start)");
            await cluster.StartAsync(stage);
            output.WriteLine($"{clock.Elapsed.TotalSeconds:F1} s: {stage} started again");
        }
        Assert.False(before.Finished, $"the pipeline ended before the kill: {before.State} {before.FailureReason}");
        Assert.Equal(at, before.Stage);

        var final = await WaitForEndAsync(request);
        output.WriteLine($"{clock.Elapsed.TotalSeconds:F1} s: {final.State}");
        await AssertEveryPointOnceAsync(request, final, TinySearchPoints);
    }

    private int TunerLog(Func<string, bool> kind) => cluster.LogOf("OrtTuner").Count(kind);

    private static bool IsTrial(string line) => line.Contains(" ORT trial ", StringComparison.Ordinal);

    private static bool IsChoice(string line) => line.Contains(": ORT tuning of ", StringComparison.Ordinal);

    private async Task<PipelineStatus> WaitForMeasurementsAsync(StartPipeline request, int count)
    {
        var status = await cluster.Api.WaitForAsync(request.PipelineId,
            s => s.Stage == PipelineStage.Profiling && s.MeasurementsDone >= count, RunTimeout, cluster.Describe);
        Assert.False(status.Finished, $"the pipeline ended before the kill: {status.State} {status.FailureReason}");
        return status;
    }

    private async Task<PipelineStatus> WaitForEndAsync(StartPipeline request) =>
        await cluster.Api.WaitForAsync(request.PipelineId, s => s.Finished, RunTimeout, cluster.Describe);

    /// <summary>
    /// Completed; results.json holds each point once and all of them; the checkpoints and the saga's count agree; the
    /// profilers' logs took no point twice; one report, one results file, one deployed version.
    /// </summary>
    private async Task AssertEveryPointOnceAsync(StartPipeline request, PipelineStatus final, int expected)
    {
        if (final.State != "Completed")
        {
            Assert.Fail($"{final.State}: {final.FailureReason}\n{cluster.Describe()}");
        }
        var pipelineDirectory = Path.Combine(cluster.ArtifactsRoot, request.PipelineId.ToString("N"));
        var resultsFile = Assert.Single(Directory.GetFiles(pipelineDirectory, "results.json", SearchOption.AllDirectories));
        var results = ProfileResults.FromJson(await File.ReadAllTextAsync(resultsFile));
        var points = results.Measurements.Select(m => $"{m.Config.Name}@{m.Concurrency}").ToList();

        await using var redis = await ConnectionMultiplexer.ConnectAsync(cluster.Redis.ConnectionString);
        var checkpoints = await redis.GetDatabase().HashLengthAsync($"pipeline:{request.PipelineId}:measurements");
        var logged = LoggedMeasurement.Of(request.ModelName, cluster.LogsByProcess("TritonProfiler"));
        output.WriteLine($"{request.ModelName}: {points.Count} measurements in results.json ({points.Distinct().Count()} distinct), " +
            $"{checkpoints} checkpoints, saga counted {final.MeasurementsDone}/{final.MeasurementsTotal}; measured by " +
            string.Join(", ", logged.GroupBy(m => m.Process).Select(g => $"{g.Key}: {g.Count()}")) +
            $" (a point measured once is logged once; a line still in a killed process's buffer is lost)");

        Assert.Equal(points.Count, points.Distinct().Count());
        Assert.Equal(expected, points.Count);
        Assert.Equal(expected, checkpoints);
        Assert.Equal(expected, final.MeasurementsDone);
        var measuredTwice = logged.GroupBy(m => m.Point).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        if (measuredTwice.Count > 0)
        {
            Assert.Fail($"measured twice: {string.Join(", ", measuredTwice)}:\n" +
                string.Join("\n", cluster.LogOf("TritonProfiler").Where(l => l.Contains(request.ModelName, StringComparison.Ordinal))));
        }

        Assert.Single(Directory.GetFiles(pipelineDirectory, "Optimal_Results.png", SearchOption.AllDirectories));
        var deployed = Path.Combine(cluster.ModelRepository, request.ModelName);
        var versions = Directory.GetDirectories(deployed).Select(Path.GetFileName).Where(name => name!.All(char.IsDigit)).ToList();
        Assert.True(versions.Count == 1, $"deployed versions of {request.ModelName}: {string.Join(", ", versions)}");
    }
}
