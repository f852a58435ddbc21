using InferencePipeline.Contracts;
using InferencePipeline.Testing;
using InferencePipeline.Testing.Models;
using InferencePipeline.TritonProfiler;
using InferencePipeline.TritonProfiler.Checkpoints;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

namespace InferencePipeline.Stages.Tests.Profiler;

/// <summary>
/// A profiler process that dies loses nothing: a new process (a new bus and container) on the same Redis
/// resumes the pipeline from its checkpoints, re-announcing only what may not have been announced.
/// </summary>
public sealed class RedisResumeTests(EmbeddedServerFixture server, RedisServer redis)
    : IClassFixture<EmbeddedServerFixture>, IClassFixture<RedisServer>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_new_profiler_process_resumes_from_redis_checkpoints_without_measuring_again()
    {
        var id = Guid.NewGuid();
        var space = ProfileRequests.FastSpace([1], [4], [1]);
        await using var connection = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);

        await using (var first = await StartAsync(connection))
        {
            var request = await ProfileRequests.CreateAsync(first.Store, id, space, TestModels.Add, TestModels.Add);
            await first.SendAndPollAsync(request, Timeout);
            Assert.Equal(3, first.PublishedNow<ProfileMeasured>().Count);
        }

        // Simulate a crash between a checkpoint and its ProfileMeasured: one point saved, never announced.
        var store = new RedisMeasurementStore(connection);
        var checkpoints = await store.LoadAsync(id, CancellationToken.None);
        Assert.Equal(3, checkpoints.Count);
        var unannounced = checkpoints["add_config_ort_tuned@1"];
        await store.SaveAsync(id, unannounced with { Published = false }, CancellationToken.None);

        await using var second = await StartAsync(connection);
        var again = await ProfileRequests.CreateAsync(second.Store, id, space, TestModels.Add, TestModels.Add);
        await second.SendAndPollAsync(again, Timeout);

        var announced = Assert.Single(second.PublishedNow<ProfileMeasured>());
        Assert.Equal("add_config_ort_tuned", announced.Measurement.Config.Name);
        Assert.Equal(1, announced.Index);
        Assert.Equal(unannounced.Measurement.Stats, announced.Measurement.Stats);
        Assert.Equal(3, Assert.IsType<ModelProfiled>(second.SinglePublishedNow<ModelProfiled>()).MeasurementCount);
        Assert.True((await store.LoadAsync(id, CancellationToken.None)).Values.All(p => p.Published));
    }

    private Task<StageHarness> StartAsync(IConnectionMultiplexer connection) =>
        StageHarness.StartAsync(x =>
        {
            x.AddSingleton(connection);
            x.AddTritonProfiler();
        }, server.Settings, Timeout);
}
