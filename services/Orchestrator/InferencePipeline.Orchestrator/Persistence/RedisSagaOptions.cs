using System.Text.Json;
using System.Text.Json.Serialization;
using StackExchange.Redis;

namespace InferencePipeline.Orchestrator.Persistence;

/// <summary>
/// Where a saga type lives in Redis: one JSON string per instance under <c>{KeyPrefix}{id}</c> and a sorted
/// set <see cref="IndexKey"/> of ids scored by creation time, so "recent pipelines" is one ZREVRANGE.
/// </summary>
public sealed class RedisSagaOptions<TSaga>
{
    public RedisSagaOptions(string keyPrefix, string indexKey)
    {
        KeyPrefix = keyPrefix;
        IndexKey = indexKey;
    }

    public string KeyPrefix { get; }
    public RedisKey IndexKey { get; }

    /// <summary>
    /// Property names as declared (PascalCase): the update script reads <c>Version</c> from the stored JSON.
    /// Enums as names so the stored state is readable with redis-cli.
    /// </summary>
    public JsonSerializerOptions Json { get; } = new()
    {
        Converters = { new JsonStringEnumConverter() },
    };

    /// <summary>
    /// How long an instance stays once saved in its current shape; null: for good. A finished pipeline is kept for
    /// the retention and then dropped by Redis itself, while one still running never expires.
    /// </summary>
    public Func<TSaga, TimeSpan?> ExpireAfter { get; init; } = _ => null;

    public RedisKey Key(Guid id) => KeyPrefix + id.ToString("D");
}
