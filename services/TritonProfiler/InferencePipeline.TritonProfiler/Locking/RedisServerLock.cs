using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace InferencePipeline.TritonProfiler.Locking;

/// <summary>
/// The lock across processes: <c>SET key token NX PX lease</c>, renewed every third of the lease while
/// held, released only by its holder (compare-and-delete), so a profiler that dies frees the server when
/// its lease runs out and a slow one cannot delete a lock someone else took over.
/// </summary>
/// <param name="timeProvider">The clock for waiting and renewing (the system's by default; tests move a fake one).</param>
public sealed class RedisServerLock(IConnectionMultiplexer redis, TimeSpan lease, ILogger<RedisServerLock> logger, TimeProvider? timeProvider = null)
    : IServerLock
{
    private readonly TimeProvider _time = timeProvider ?? TimeProvider.System;

    private const string RenewScript =
        "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end";

    private const string ReleaseScript =
        "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end";

    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(250);

    public static RedisKey KeyFor(Uri server) => $"inference-server:{ServerLockKey.For(server)}:lock";

    public async Task<IServerLease> AcquireAsync(Uri server, string owner, TimeSpan wait, CancellationToken cancellationToken)
    {
        var key = KeyFor(server);
        var token = $"{owner}/{Guid.NewGuid():N}";
        var db = redis.GetDatabase();
        var deadline = _time.GetUtcNow() + wait;
        while (true)
        {
            if (await db.StringSetAsync(key, token, lease, When.NotExists))
            {
                return new Lease(db, key, token, lease, logger, _time);
            }

            if (_time.GetUtcNow() >= deadline)
            {
                var holder = await db.StringGetAsync(key);
                throw new TimeoutException(
                    $"Inference server {ServerLockKey.For(server)} stayed busy with another profile ({holder}) for {wait}; {owner} will be retried.");
            }

            await Task.Delay(PollInterval, _time, cancellationToken);
        }
    }

    private sealed class Lease : IServerLease
    {
        private readonly IDatabase _db;
        private readonly RedisKey _key;
        private readonly string _token;
        private readonly TimeSpan _lease;
        private readonly ILogger _logger;
        private readonly TimeProvider _time;
        private readonly CancellationTokenSource _lost = new();
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _renewal;

        public Lease(IDatabase db, RedisKey key, string token, TimeSpan lease, ILogger logger, TimeProvider time)
        {
            _db = db;
            _key = key;
            _token = token;
            _lease = lease;
            _logger = logger;
            _time = time;
            _renewal = RenewAsync();
        }

        public CancellationToken Lost => _lost.Token;

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            await _renewal;
            try
            {
                await _db.ScriptEvaluateAsync(ReleaseScript, [_key], [_token]);
            }
            catch (RedisException e)
            {
                // Not fatal: the lease expires by itself.
                _logger.LogWarning(e, "Could not release server lock {Key}; it expires within {Lease}", (string?)_key, _lease);
            }

            _stop.Dispose();
            _lost.Dispose();
        }

        private async Task RenewAsync()
        {
            var lastRenewed = _time.GetUtcNow();
            var period = _lease / 3;
            while (!_stop.IsCancellationRequested)
            {
                try
                {
                    await Task.Delay(period, _time, _stop.Token);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                try
                {
                    var renewed = (long)await _db.ScriptEvaluateAsync(RenewScript, [_key], [_token, (long)_lease.TotalMilliseconds]);
                    if (renewed == 0)
                    {
                        _logger.LogError("Server lock {Key} was taken over by someone else; stopping the profile", (string?)_key);
                        await _lost.CancelAsync();
                        return;
                    }

                    lastRenewed = _time.GetUtcNow();
                }
                catch (RedisException e) when (_time.GetUtcNow() - lastRenewed < _lease)
                {
                    // Redis may be back before the lease runs out; keep trying until then.
                    _logger.LogWarning(e, "Could not renew server lock {Key}; retrying", (string?)_key);
                }
                catch (RedisException e)
                {
                    _logger.LogError(e, "Server lock {Key} expired while Redis was unreachable; stopping the profile", (string?)_key);
                    await _lost.CancelAsync();
                    return;
                }
            }
        }
    }
}
