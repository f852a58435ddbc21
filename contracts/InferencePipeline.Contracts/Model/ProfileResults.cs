using System.Text.Json;
using System.Text.Json.Serialization;

namespace InferencePipeline.Contracts;

/// <summary>
/// The file the profiler writes and the analyzer reads (<see cref="ModelProfiled.ResultsUri"/>):
/// every measurement of one pipeline, in the order taken. A data contract like the messages, so it lives here.
/// </summary>
public sealed record ProfileResults(Guid PipelineId, string ModelName, IReadOnlyList<ProfileMeasurement> Measurements)
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter() },
    };

    public string ToJson() => JsonSerializer.Serialize(this, Options);

    public static ProfileResults FromJson(string json) =>
        JsonSerializer.Deserialize<ProfileResults>(json, Options)
        ?? throw new JsonException("The profile results file is empty.");
}
