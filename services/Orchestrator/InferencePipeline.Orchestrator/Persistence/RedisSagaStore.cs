using System.Text.Json;
using MassTransit;
using StackExchange.Redis;

namespace InferencePipeline.Orchestrator.Persistence;

/// <summary>
/// Saga instances as JSON in Redis with optimistic concurrency on <see cref="ISagaVersion.Version"/>:
/// an insert succeeds only if the key is new (SET NX), an update only if the stored version is the one this
/// instance was loaded with (compare-and-set in one Lua script, atomic on the server). Either conflict throws
/// <see cref="ConcurrencyException"/>, which the saga endpoint's retry turns into reload-and-reapply.
/// </summary>
/// <param name="timeProvider">The clock that orders the recent-instances index (the system's by default).</param>
public sealed class RedisSagaStore<TSaga>(IConnectionMultiplexer redis, RedisSagaOptions<TSaga> options, TimeProvider? timeProvider = null)
    where TSaga : class, ISagaVersion
{
    private readonly TimeProvider _time = timeProvider ?? TimeProvider.System;

    // ARGV[4] / ARGV[3]: milliseconds the instance lives from now, 0 for good (RedisSagaOptions.ExpireAfter).
    private const string InsertScript = """
        local stored
        if tonumber(ARGV[4]) > 0 then
          stored = redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[4])
        else
          stored = redis.call('SET', KEYS[1], ARGV[1], 'NX')
        end
        if stored then
          redis.call('ZADD', KEYS[2], ARGV[2], ARGV[3])
          return 1
        end
        return 0
        """;

    private const string UpdateScript = """
        local current = redis.call('GET', KEYS[1])
        if not current then return -1 end
        if tonumber(cjson.decode(current)['Version']) ~= tonumber(ARGV[1]) then return 0 end
        if tonumber(ARGV[3]) > 0 then
          redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
        else
          redis.call('SET', KEYS[1], ARGV[2])
        end
        return 1
        """;

    private IDatabase Database => redis.GetDatabase();

    public RedisSagaOptions<TSaga> Options => options;

    public async Task<TSaga?> LoadAsync(Guid id)
    {
        var value = await Database.StringGetAsync(options.Key(id)).ConfigureAwait(false);
        return value.IsNullOrEmpty ? null : Deserialize(value!, id);
    }

    /// <summary>Stores a new instance at version 1; false if one with this id already exists.</summary>
    public async Task<bool> TryInsertAsync(TSaga saga)
    {
        saga.Version = 1;
        var json = JsonSerializer.Serialize(saga, options.Json);
        var inserted = (long)await Database.ScriptEvaluateAsync(InsertScript,
            [options.Key(saga.CorrelationId), options.IndexKey],
            [json, _time.GetUtcNow().ToUnixTimeMilliseconds(), saga.CorrelationId.ToString("D"), ExpiryMilliseconds(saga)]).ConfigureAwait(false);
        if (inserted == 1)
            return true;
        saga.Version = 0;
        return false;
    }

    public async Task InsertAsync(TSaga saga)
    {
        if (!await TryInsertAsync(saga).ConfigureAwait(false))
            throw new ConcurrencyException("A saga with this id was stored meanwhile", typeof(TSaga), saga.CorrelationId);
    }

    /// <summary>Saves <paramref name="saga"/> as the next version of the one it was loaded as.</summary>
    public async Task UpdateAsync(TSaga saga)
    {
        var loadedVersion = saga.Version;
        saga.Version = loadedVersion + 1;
        var json = JsonSerializer.Serialize(saga, options.Json);
        var result = (long)await Database.ScriptEvaluateAsync(UpdateScript,
            [options.Key(saga.CorrelationId)], [loadedVersion, json, ExpiryMilliseconds(saga)]).ConfigureAwait(false);
        if (result == 1)
            return;

        saga.Version = loadedVersion;
        throw result == 0
            ? new ConcurrencyException($"Saga version {loadedVersion} is stale: another consumer saved it meanwhile", typeof(TSaga),
                saga.CorrelationId)
            : new SagaException("Saga to update is not stored (deleted meanwhile?)", typeof(TSaga), saga.CorrelationId);
    }

    public async Task DeleteAsync(Guid id)
    {
        var transaction = Database.CreateTransaction();
        _ = transaction.KeyDeleteAsync(options.Key(id));
        _ = transaction.SortedSetRemoveAsync(options.IndexKey, id.ToString("D"));
        await transaction.ExecuteAsync().ConfigureAwait(false);
    }

    /// <summary>
    /// Up to <paramref name="count"/> instances created before <paramref name="after"/> (the newest when null), newest
    /// first, and where the next page starts. Index entries whose instance has expired are dropped from the index as
    /// they are met, so a page can hold fewer than <paramref name="count"/> while later pages still have some.
    /// </summary>
    public async Task<SagaPage<TSaga>> ListPageAsync(int count, SagaIndexPosition? after)
    {
        if (count <= 0)
            return new SagaPage<TSaga>([], null);

        var db = Database;
        // Entries sharing the cursor's score may sit before it; fetch enough to step over all of them.
        var ties = after is null ? 0 : await db.SortedSetLengthAsync(options.IndexKey, after.Score, after.Score).ConfigureAwait(false);
        var entries = await db.SortedSetRangeByScoreWithScoresAsync(options.IndexKey, double.NegativeInfinity,
            after?.Score ?? double.PositiveInfinity, Exclude.None, Order.Descending, 0, count + 1 + ties).ConfigureAwait(false);
        var candidates = entries
            .Where(e => after is null || after.Precedes((long)e.Score, e.Element.ToString()))
            .Take(count + 1)
            .ToList();
        var page = candidates.Take(count).ToList();
        if (page.Count == 0)
            return new SagaPage<TSaga>([], null);

        var keys = page.Select(e => (RedisKey)(options.KeyPrefix + e.Element.ToString())).ToArray();
        var values = await db.StringGetAsync(keys).ConfigureAwait(false);
        var sagas = new List<TSaga>(values.Length);
        var expired = new List<RedisValue>();
        for (var i = 0; i < values.Length; i++)
        {
            if (values[i].IsNullOrEmpty)
                expired.Add(page[i].Element);
            else
                sagas.Add(Deserialize(values[i]!, Guid.Parse(page[i].Element.ToString())));
        }

        if (expired.Count > 0)
            await db.SortedSetRemoveAsync(options.IndexKey, [.. expired]).ConfigureAwait(false);

        var last = page[^1];
        var next = candidates.Count > count ? new SagaIndexPosition((long)last.Score, Guid.Parse(last.Element.ToString())) : null;
        return new SagaPage<TSaga>(sagas, next);
    }

    private long ExpiryMilliseconds(TSaga saga) =>
        options.ExpireAfter(saga) is { } expiry ? Math.Max(1, (long)expiry.TotalMilliseconds) : 0;

    private TSaga Deserialize(string json, Guid id)
    {
        try
        {
            return JsonSerializer.Deserialize<TSaga>(json, options.Json)
                   ?? throw new JsonException("the stored value is JSON null");
        }
        catch (JsonException ex)
        {
            throw new SagaException($"Stored state under {options.Key(id)} is not a valid {typeof(TSaga).Name}: {ex.Message}",
                typeof(TSaga), id, ex);
        }
    }
}
