using System.Text.Json;
using System.Text.Json.Serialization;
using InferencePipeline.Contracts;

namespace InferencePipeline.OrtTuner;

/// <summary><c>trials.json</c>: what was tried, how each did, what won and at which batch size, and what was left out.</summary>
public sealed record TuningReport(
    string ModelName,
    OrtSettings Default,
    OrtSettings Best,
    double DefaultThroughputPerSec,
    double TunedThroughputPerSec,
    double Tolerance,
    int Concurrency,
    int BatchSize,
    IReadOnlyList<OrtTrial> Trials,
    string? ChosenCandidate = null,
    IReadOnlyList<string>? Notes = null,
    double? ElapsedSeconds = null)
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter() },
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public static TuningReport From(string modelName, OrtTuningResult result, OrtTunerOptions options) =>
        new(modelName, result.Baseline.Settings, result.Chosen.Settings, result.Baseline.ThroughputPerSec, result.Chosen.ThroughputPerSec,
            options.Tolerance, options.Concurrency, result.ChoiceBatchSize, result.Trials, result.ChosenCandidate, result.Notes,
            result.Elapsed.TotalSeconds);

    public string ToJson() => JsonSerializer.Serialize(this, Options);

    public static TuningReport FromJson(string json) =>
        JsonSerializer.Deserialize<TuningReport>(json, Options) ?? throw new JsonException("trials.json is empty.");
}
