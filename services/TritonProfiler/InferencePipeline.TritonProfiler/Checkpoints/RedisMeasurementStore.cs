using System.Text.Json;
using System.Text.Json.Serialization;
using StackExchange.Redis;

namespace InferencePipeline.TritonProfiler.Checkpoints;

/// <summary>
/// Checkpoints in the Redis hash <c>pipeline:&lt;id&gt;:measurements</c>, one field per point
/// ("&lt;config&gt;@&lt;concurrency&gt;" = the measurement as JSON), so a profiler process that dies mid-profile
/// loses nothing: the next delivery of the command reads the hash and measures only what is missing.
/// </summary>
public sealed class RedisMeasurementStore(IConnectionMultiplexer redis) : IMeasurementStore
{
    /// <summary>Long enough for any pipeline to finish and be inspected; short enough not to pile up.</summary>
    private static readonly TimeSpan Retention = TimeSpan.FromDays(14);

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
    };

    public static RedisKey KeyFor(Guid pipelineId) => $"pipeline:{pipelineId}:measurements";

    public async Task<IReadOnlyDictionary<string, CheckpointedMeasurement>> LoadAsync(Guid pipelineId, CancellationToken cancellationToken)
    {
        var entries = await redis.GetDatabase().HashGetAllAsync(KeyFor(pipelineId)).WaitAsync(cancellationToken);
        var points = new Dictionary<string, CheckpointedMeasurement>(entries.Length);
        foreach (var entry in entries)
        {
            var point = JsonSerializer.Deserialize<CheckpointedMeasurement>((string)entry.Value!, Json)
                ?? throw new InvalidDataException($"Checkpoint '{entry.Name}' of pipeline {pipelineId} is empty.");
            points[entry.Name!] = point;
        }

        return points;
    }

    public async Task SaveAsync(Guid pipelineId, CheckpointedMeasurement measurement, CancellationToken cancellationToken)
    {
        var db = redis.GetDatabase();
        var key = KeyFor(pipelineId);
        var json = JsonSerializer.Serialize(measurement, Json);
        // One round trip: the field and the retention go together.
        var transaction = db.CreateTransaction();
        _ = transaction.HashSetAsync(key, measurement.Key, json);
        _ = transaction.KeyExpireAsync(key, Retention);
        await transaction.ExecuteAsync().WaitAsync(cancellationToken);
    }
}
