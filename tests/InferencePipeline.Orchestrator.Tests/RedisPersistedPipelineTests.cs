using InferencePipeline.Contracts;
using InferencePipeline.Orchestrator.Persistence;
using InferencePipeline.Orchestrator.Tests.StandIns;
using InferencePipeline.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace InferencePipeline.Orchestrator.Tests;

/// <summary>The saga with its state in a real Redis (in-memory transport): concurrency and restarts.</summary>
[Collection(PipelineServers.Collection)]
public sealed class RedisPersistedPipelineTests(PipelineServers servers)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_pipeline_completes_with_its_state_in_redis()
    {
        await using var host = await PipelineTestHost.StartAsync(redis: servers.Redis.ConnectionString);
        Assert.IsType<RedisPipelineStatusReader>(host.Status);
        var request = StandInStages.Request();

        await host.SendAsync(request);
        var status = await host.WaitForStateAsync(request.PipelineId, "Completed", Timeout);

        Assert.Equal(StandInStages.BestThroughput, status.BestThroughputPerSec);
        Assert.Equal(StandInDeployer.Endpoint, status.Endpoint);
        Assert.Contains((await host.Status.ListAsync(50)).Items, s => s.PipelineId == request.PipelineId);
    }

    [Fact]
    public async Task Two_orchestrator_replicas_applying_one_pipelines_events_lose_none_of_them()
    {
        // Each replica serializes a pipeline's messages itself (partitioner); between replicas only the
        // repository's version check stands, so a replica that loses a race retries on fresh state.
        await using var replicaA = await PipelineTestHost.StartAsync(redis: servers.Redis.ConnectionString, withStages: false);
        await using var replicaB = await PipelineTestHost.StartAsync(redis: servers.Redis.ConnectionString, withStages: false);
        var request = StandInStages.Request();
        await replicaA.SendAsync(request);
        await replicaA.WaitForStateAsync(request.PipelineId, "Converting", Timeout);
        await replicaB.PublishAsync(new ModelConverted(request.PipelineId, "tiny-bert", "a.onnx", "d.pbtxt", [], [], 8));
        await replicaA.WaitForStateAsync(request.PipelineId, "Tuning", Timeout);
        await replicaA.PublishAsync(new OrtTuned(request.PipelineId, "tiny-bert", "a.onnx", "t.pbtxt", OrtSettings.Default, 1, 2, []));
        await replicaB.WaitForStateAsync(request.PipelineId, "Profiling", Timeout);

        const int total = 40;
        var config = new ProfiledConfig("c", ConfigVariant.TritonSearch, 8, [8], 1, "c.pbtxt");
        await Task.WhenAll(Enumerable.Range(0, total).Select(i => (i % 2 == 0 ? replicaA : replicaB).PublishAsync(new ProfileMeasured(
            request.PipelineId, new ProfileMeasurement(config, i + 1, new LatencyStats(i, 1, 1, 1, 1, 1, 10, true)), i, total))));

        // Every event is saved exactly once: insert (v1), converted, tuned, then one version per measurement.
        var store = replicaA.Services.GetRequiredService<RedisSagaStore<PipelineState>>();
        var stored = await Eventually.ValueAsync(() => store.LoadAsync(request.PipelineId), s => s!.Version >= 3 + total, Timeout,
            last => $"stored version {last?.Version}, expected {3 + total}");

        Assert.Equal(3 + total, stored!.Version);
        Assert.Equal(total, stored.MeasurementsDone);
        Assert.Equal(total, stored.MeasurementsTotal);
        Assert.Equal(PipelineProgress.Percent(PipelineStage.Profiling, 1), stored.ProgressPercent);
    }

    [Fact]
    public async Task The_state_survives_a_new_bus_and_repository_and_the_run_continues()
    {
        var request = StandInStages.Request(modelUri: "models/silent.onnx");
        await using (var first = await PipelineTestHost.StartAsync(redis: servers.Redis.ConnectionString))
        {
            await first.SendAsync(request);
            await first.WaitForStateAsync(request.PipelineId, "Converting", Timeout);
        }

        // A new process in effect: new multiplexer, repository and bus; only Redis remembers the run.
        await using var second = await PipelineTestHost.StartAsync(redis: servers.Redis.ConnectionString);
        var resumed = await second.Status.GetAsync(request.PipelineId);
        Assert.Equal("Converting", resumed!.State);

        await second.PublishAsync(new ModelConverted(request.PipelineId, "tiny-bert", "a.onnx", "d.pbtxt", [], [], 8));
        var status = await second.WaitForStateAsync(request.PipelineId, "Completed", Timeout);
        Assert.Equal(100, status.ProgressPercent);
        Assert.Equal(StandInStages.MeasurementCount, status.MeasurementsDone);
    }
}
