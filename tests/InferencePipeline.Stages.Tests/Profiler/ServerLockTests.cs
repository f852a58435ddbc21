using InferencePipeline.Testing;
using InferencePipeline.TritonProfiler.Locking;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;

namespace InferencePipeline.Stages.Tests.Profiler;

/// <summary>Two profiles never hold the same server: in process, and across processes through a real Redis.</summary>
public sealed class ServerLockTests(RedisServer redis) : IClassFixture<RedisServer>
{
    private static readonly TimeSpan Short = TimeSpan.FromMilliseconds(300);

    [Fact]
    public async Task In_process_lock_is_exclusive_per_server_and_released_on_dispose()
    {
        var serverLock = new InProcessServerLock();
        await AssertExclusiveAsync(serverLock, serverLock);
    }

    [Fact]
    public async Task Redis_lock_is_exclusive_across_connections_and_released_on_dispose()
    {
        await using var a = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);
        await using var b = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);
        await AssertExclusiveAsync(
            new RedisServerLock(a, TimeSpan.FromSeconds(5), NullLogger<RedisServerLock>.Instance),
            new RedisServerLock(b, TimeSpan.FromSeconds(5), NullLogger<RedisServerLock>.Instance));
    }

    [Fact]
    public async Task Redis_lock_is_renewed_while_held_past_its_lease()
    {
        await using var connection = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);
        // A lease long enough that a busy CI machine still renews in time (a renewal every lease/3 fails only after a
        // stall of 2/3 of the lease; 2 s was once too short with the other tests running beside it), held for twice
        // its length: without renewal it would have expired.
        var lease = TimeSpan.FromSeconds(5);
        var serverLock = new RedisServerLock(connection, lease, NullLogger<RedisServerLock>.Instance);
        var server = new Uri($"http://profiling-target-{Guid.NewGuid():N}:8001");

        await using (var held = await serverLock.AcquireAsync(server, "first", Short, CancellationToken.None))
        {
            await Task.Delay(lease * 2);
            Assert.False(held.Lost.IsCancellationRequested);
            await Assert.ThrowsAsync<TimeoutException>(() => serverLock.AcquireAsync(server, "second", Short, CancellationToken.None));
        }

        Assert.False(await connection.GetDatabase().KeyExistsAsync(RedisServerLock.KeyFor(server)));
    }

    private static async Task AssertExclusiveAsync(IServerLock first, IServerLock second)
    {
        var server = new Uri($"http://profiling-target-{Guid.NewGuid():N}:8001");
        var other = new Uri($"http://other-target-{Guid.NewGuid():N}:8001");

        var held = await first.AcquireAsync(server, "first", Short, CancellationToken.None);
        var error = await Assert.ThrowsAsync<TimeoutException>(() => second.AcquireAsync(
            new Uri(server.ToString().ToUpperInvariant() + "v2"), "second", Short, CancellationToken.None));
        Assert.Contains("busy", error.Message);

        // Another server is not affected.
        await using (await second.AcquireAsync(other, "second", Short, CancellationToken.None))
        {
        }

        var waiting = second.AcquireAsync(server, "second", TimeSpan.FromSeconds(5), CancellationToken.None);
        await Task.Delay(100);
        Assert.False(waiting.IsCompleted);
        await held.DisposeAsync();
        await using var next = await waiting;
    }
}
