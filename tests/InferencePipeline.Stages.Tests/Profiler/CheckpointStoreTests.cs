using InferencePipeline.Contracts;
using InferencePipeline.Testing;
using InferencePipeline.TritonProfiler.Checkpoints;
using StackExchange.Redis;

namespace InferencePipeline.Stages.Tests.Profiler;

/// <summary>Both checkpoint stores keep the same contract; the Redis one against a real redis-server.</summary>
public sealed class CheckpointStoreTests(RedisServer redis) : IClassFixture<RedisServer>
{
    private static readonly ProfiledConfig Config = new("add_config_0", ConfigVariant.TritonSearch, 8, [4], 2, "artifacts/x/profiler/output_model_repository/add_config_0/config.pbtxt");

    [Fact]
    public async Task In_memory_store_round_trips_and_overwrites()
    {
        await AssertContractAsync(new InMemoryMeasurementStore());
    }

    [Fact]
    public async Task Redis_store_round_trips_and_overwrites_in_the_pipeline_hash()
    {
        await using var connection = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);
        var id = await AssertContractAsync(new RedisMeasurementStore(connection));

        var db = connection.GetDatabase();
        Assert.Equal(2, await db.HashLengthAsync($"pipeline:{id}:measurements"));
        Assert.True(await db.HashExistsAsync($"pipeline:{id}:measurements", "add_config_0@4"));
        Assert.NotNull(await db.KeyTimeToLiveAsync($"pipeline:{id}:measurements"));
    }

    private static async Task<Guid> AssertContractAsync(IMeasurementStore store)
    {
        var id = Guid.NewGuid();
        Assert.Empty(await store.LoadAsync(id, CancellationToken.None));

        var stats = new LatencyStats(1234.5, 0.8, 0.7, 1.1, 1.3, 2.25, 617, Stable: true);
        var first = new CheckpointedMeasurement(new ProfileMeasurement(Config, 1, stats), Published: false);
        await store.SaveAsync(id, first, CancellationToken.None);
        await store.SaveAsync(id, new CheckpointedMeasurement(new ProfileMeasurement(Config, 4, stats with { P99Ms = 9 }), true), CancellationToken.None);
        await store.SaveAsync(id, first with { Published = true }, CancellationToken.None);
        await store.SaveAsync(Guid.NewGuid(), first, CancellationToken.None);

        var loaded = await store.LoadAsync(id, CancellationToken.None);
        Assert.Equal(["add_config_0@1", "add_config_0@4"], loaded.Keys.Order());
        var point = loaded["add_config_0@1"];
        Assert.True(point.Published);
        Assert.Equal(stats, point.Measurement.Stats);
        Assert.Equal(Config.Name, point.Measurement.Config.Name);
        Assert.Equal(Config.Variant, point.Measurement.Config.Variant);
        Assert.Equal([4], point.Measurement.Config.PreferredBatchSizes);
        Assert.Equal(Config.ConfigUri, point.Measurement.Config.ConfigUri);
        Assert.Equal(9, loaded["add_config_0@4"].Measurement.Stats.P99Ms);
        return id;
    }
}
