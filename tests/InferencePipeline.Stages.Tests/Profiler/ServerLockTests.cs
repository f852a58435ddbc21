using InferencePipeline.Testing;
using InferencePipeline.TritonProfiler.Locking;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;

namespace InferencePipeline.Stages.Tests.Profiler;

/// <summary>Two profiles never hold the same server: in process, and across processes through a real Redis.</summary>
public sealed class ServerLockTests(RedisServer redis) : IClassFixture<RedisServer>
{
    private static readonly TimeSpan Short = TimeSpan.FromMilliseconds(300);
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

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
    public async Task Redis_lock_is_renewed_every_third_of_its_lease_and_outlives_it_while_held()
    {
        await using var connection = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);
        var db = connection.GetDatabase();
        // The lock's clock is fake and Redis's is real: a lease of a minute never runs out in Redis during the test,
        // and the lock renews exactly when the test moves its clock.
        var time = new FakeTimeProvider();
        var lease = TimeSpan.FromMinutes(1);
        var serverLock = new RedisServerLock(connection, lease, NullLogger<RedisServerLock>.Instance, time);
        var server = NewServer();
        var key = RedisServerLock.KeyFor(server);

        await using (var held = await serverLock.AcquireAsync(server, "first", Short, CancellationToken.None))
        {
            // Stretch the key's expiry far beyond the lease: only a renewal brings it back to the lease.
            await db.KeyExpireAsync(key, TimeSpan.FromHours(1));
            time.Advance(lease / 3 - TimeSpan.FromMilliseconds(1));
            Assert.True(await db.KeyTimeToLiveAsync(key) > lease, "renewed before a third of the lease had passed");
            time.Advance(TimeSpan.FromMilliseconds(1));
            await WaitForRenewalAsync(db, key, lease, time: null);

            // Held for twice the lease on the lock's clock: renewed all along, never lost.
            var heldSince = time.GetUtcNow();
            while (time.GetUtcNow() - heldSince < lease * 2)
            {
                await db.KeyExpireAsync(key, TimeSpan.FromHours(1));
                await WaitForRenewalAsync(db, key, lease, time);
            }

            Assert.False(held.Lost.IsCancellationRequested);
            var other = new RedisServerLock(connection, lease, NullLogger<RedisServerLock>.Instance);
            await Assert.ThrowsAsync<TimeoutException>(() => other.AcquireAsync(server, "second", Short, CancellationToken.None));
        }

        Assert.False(await db.KeyExistsAsync(key));
    }

    [Fact]
    public async Task Redis_lock_taken_over_by_someone_else_is_lost_at_the_next_renewal_and_not_released_by_its_old_holder()
    {
        await using var connection = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);
        var db = connection.GetDatabase();
        var time = new FakeTimeProvider();
        var lease = TimeSpan.FromMinutes(1);
        var serverLock = new RedisServerLock(connection, lease, NullLogger<RedisServerLock>.Instance, time);
        var server = NewServer();
        var key = RedisServerLock.KeyFor(server);

        await using (var held = await serverLock.AcquireAsync(server, "first", Short, CancellationToken.None))
        {
            var lost = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            using var registration = held.Lost.Register(() => lost.TrySetResult());
            await db.StringSetAsync(key, "someone-else/token", lease);

            time.Advance(lease / 3);

            await lost.Task.WaitAsync(Timeout);
        }

        Assert.Equal("someone-else/token", (string?)await db.StringGetAsync(key));
    }

    /// <summary>
    /// Waits until the key's expiry is back at the lease, i.e. the lock renewed it. With <paramref name="time"/>, moves
    /// that clock a second per check meanwhile: the renewal loop sets its next timer only after the previous renewal
    /// has been answered, so one step of a third of the lease could land before that timer exists.
    /// </summary>
    private static Task WaitForRenewalAsync(IDatabase db, RedisKey key, TimeSpan lease, FakeTimeProvider? time) =>
        Eventually.TrueAsync(async () =>
        {
            if (await db.KeyTimeToLiveAsync(key) <= lease)
            {
                return true;
            }

            time?.Advance(TimeSpan.FromSeconds(1));
            return false;
        }, Timeout, $"the lock did not renew {key}");

    private static Uri NewServer() => new($"http://profiling-target-{Guid.NewGuid():N}:8001");

    private static async Task AssertExclusiveAsync(IServerLock first, IServerLock second)
    {
        var server = NewServer();
        var other = new Uri($"http://other-target-{Guid.NewGuid():N}:8001");

        var held = await first.AcquireAsync(server, "first", Short, CancellationToken.None);
        var error = await Assert.ThrowsAsync<TimeoutException>(() => second.AcquireAsync(
            new Uri(server.ToString().ToUpperInvariant() + "v2"), "second", Short, CancellationToken.None));
        Assert.Contains("busy", error.Message);

        // Another server is not affected.
        await using (await second.AcquireAsync(other, "second", Short, CancellationToken.None))
        {
        }

        // A waiter gets the server once the holder lets go, not before.
        var waiting = second.AcquireAsync(server, "second", TimeSpan.FromSeconds(5), CancellationToken.None);
        Assert.False(waiting.IsCompleted);
        await held.DisposeAsync();
        await using var next = await waiting;
    }
}
