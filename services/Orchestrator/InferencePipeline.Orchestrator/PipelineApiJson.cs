using System.Text.Json;
using System.Text.Json.Serialization;

namespace InferencePipeline.Orchestrator;

/// <summary>The API's JSON: camelCase, enums by name (numbers accepted on input).</summary>
public static class PipelineApiJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
    };
}
