using System.Text.Json;
using Inference;

namespace InferencePipeline.InferenceServer.Http;

/// <summary>
/// ModelStatistics in the JSON shape of Triton's <c>GET /v2/models[/{name}]/stats</c>: snake_case names and
/// numbers as JSON numbers (Google.Protobuf's JsonFormatter would write 64-bit counters as strings).
/// </summary>
internal static class StatisticsJson
{
    public static void Write(Utf8JsonWriter writer, IEnumerable<ModelStatistics> models)
    {
        writer.WriteStartObject();
        writer.WriteStartArray("model_stats");
        foreach (var stats in models)
        {
            writer.WriteStartObject();
            writer.WriteString("name", stats.Name);
            writer.WriteString("version", stats.Version);
            writer.WriteNumber("last_inference", stats.LastInference);
            writer.WriteNumber("inference_count", stats.InferenceCount);
            writer.WriteNumber("execution_count", stats.ExecutionCount);
            var inference = stats.InferenceStats;
            writer.WriteStartObject("inference_stats");
            Duration(writer, "success", inference.Success);
            Duration(writer, "fail", inference.Fail);
            Duration(writer, "queue", inference.Queue);
            Duration(writer, "compute_input", inference.ComputeInput);
            Duration(writer, "compute_infer", inference.ComputeInfer);
            Duration(writer, "compute_output", inference.ComputeOutput);
            Duration(writer, "cache_hit", inference.CacheHit);
            Duration(writer, "cache_miss", inference.CacheMiss);
            writer.WriteEndObject();
            writer.WriteStartArray("batch_stats");
            foreach (var batch in stats.BatchStats)
            {
                writer.WriteStartObject();
                writer.WriteNumber("batch_size", batch.BatchSize);
                Duration(writer, "compute_input", batch.ComputeInput);
                Duration(writer, "compute_infer", batch.ComputeInfer);
                Duration(writer, "compute_output", batch.ComputeOutput);
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    private static void Duration(Utf8JsonWriter writer, string name, StatisticDuration? duration)
    {
        writer.WriteStartObject(name);
        writer.WriteNumber("count", duration?.Count ?? 0);
        writer.WriteNumber("ns", duration?.Ns ?? 0);
        writer.WriteEndObject();
    }
}
