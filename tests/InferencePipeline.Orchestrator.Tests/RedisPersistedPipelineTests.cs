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
        Assert.Contains(await host.Status.ListRecentAsync(50), s => s.PipelineId == request.PipelineId);
    }

    [Fact]
    public async Task Concurrent_events_for_one_pipeline_are_all_applied_through_version_conflicts()
    {
        await using var host = await PipelineTestHost.StartAsync(redis: servers.Redis.ConnectionString, withStages: false);
        var request = StandInStages.Request();
        await host.SendAsync(request);
        await host.WaitForStateAsync(request.PipelineId, "Converting", Timeout);
        await host.PublishAsync(new ModelConverted(request.PipelineId, "tiny-bert", "a.onnx", "d.pbtxt", [], [], 8));
        await host.PublishAsync(new OrtTuned(request.PipelineId, "tiny-bert", "a.onnx", "t.pbtxt", OrtSettings.Default, 1, 2, []));
        await host.WaitForStateAsync(request.PipelineId, "Profiling", Timeout);

        const int total = 40;
        var config = new ProfiledConfig("c", ConfigVariant.TritonSearch, 8, [8], 1, "c.pbtxt");
        await Task.WhenAll(Enumerable.Range(0, total).Select(i => host.PublishAsync(new ProfileMeasured(request.PipelineId,
            new ProfileMeasurement(config, i + 1, new LatencyStats(i, 1, 1, 1, 1, 1, 10, true)), i, total))));

        // Every save is a compare-and-set on the version; an event that lost a race is retried on fresh state,
        // so the highest index is never lost, whatever order the concurrent consumers finish in.
        var deadline = DateTime.UtcNow + Timeout;
        PipelineStatus? status;
        do
        {
            status = await host.Status.GetAsync(request.PipelineId);
            if (status!.MeasurementsDone == total)
                break;
            await Task.Delay(20);
        } while (DateTime.UtcNow < deadline);

        Assert.Equal(total, status.MeasurementsDone);
        Assert.Equal(total, status.MeasurementsTotal);
        Assert.Equal(PipelineProgress.Percent(PipelineStage.Profiling, 1), status.ProgressPercent);

        // Each event saved exactly once: insert (v1), converted, tuned, then one version per measurement.
        await Task.Delay(200);
        var stored = await host.Services.GetRequiredService<RedisSagaStore<PipelineState>>().LoadAsync(request.PipelineId);
        Assert.Equal(3 + total, stored!.Version);
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
