using System.Text.Json;
using System.Text.Json.Serialization;
using InferencePipeline.Contracts;

namespace InferencePipeline.OrtTuner;

/// <summary><c>trials.json</c>: what was tried, how each did, and what won.</summary>
public sealed record TuningReport(
    string ModelName,
    OrtSettings Default,
    OrtSettings Best,
    double DefaultThroughputPerSec,
    double TunedThroughputPerSec,
    double Tolerance,
    int Concurrency,
    int BatchSize,
    IReadOnlyList<OrtTrial> Trials)
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter() },
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public string ToJson() => JsonSerializer.Serialize(this, Options);

    public static TuningReport FromJson(string json) =>
        JsonSerializer.Deserialize<TuningReport>(json, Options) ?? throw new JsonException("trials.json is empty.");
}
