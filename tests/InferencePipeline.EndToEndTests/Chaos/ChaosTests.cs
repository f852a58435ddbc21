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
        Assert.True(final.State == "Completed", $"{final.State}: {final.FailureReason}\n{cluster.Describe()}");
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
        Assert.True(measuredTwice.Count == 0, $"measured twice: {string.Join(", ", measuredTwice)}:\n{string.Join("\n", logged)}\n" +
            string.Join("\n", cluster.LogOf("TritonProfiler").Where(l => l.Contains(request.ModelName, StringComparison.Ordinal))));

        Assert.Single(Directory.GetFiles(pipelineDirectory, "Optimal_Results.png", SearchOption.AllDirectories));
        var deployed = Path.Combine(cluster.ModelRepository, request.ModelName);
        var versions = Directory.GetDirectories(deployed).Select(Path.GetFileName).Where(name => name!.All(char.IsDigit)).ToList();
        Assert.True(versions.Count == 1, $"deployed versions of {request.ModelName}: {string.Join(", ", versions)}");
    }
}
