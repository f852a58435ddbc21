using System.Text.Json;
using System.Text.Json.Serialization;

namespace InferencePipeline.OrtTuner.Trials;

/// <summary>How trial requests and results are written between the tuner and its child (NaN and ∞ allowed: an empty window's figures).</summary>
public static class TrialJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public static void Write<T>(string path, T value) => File.WriteAllText(path, JsonSerializer.Serialize(value, Options));

    public static T Read<T>(string path) =>
        JsonSerializer.Deserialize<T>(File.ReadAllText(path), Options) ?? throw new JsonException($"'{path}' holds no {typeof(T).Name}");
}
