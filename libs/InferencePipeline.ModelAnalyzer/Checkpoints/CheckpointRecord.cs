using InferencePipeline.Contracts;

namespace InferencePipeline.ModelAnalyzer.Checkpoints;

/// <summary>
/// One checkpointed point: the model, the config's content digest (what was measured, whatever it was called), the
/// load, the measurement and its place in the profile.
/// </summary>
public sealed record CheckpointRecord(
    string Model, string Identity, int BatchSize, int Concurrency, double? RequestRate, ProfileMeasurement Measurement, int Index);

/// <summary>The checkpoint file's content.</summary>
/// <param name="Models">Each model's run fingerprint: what must not change for its measurements to stay valid.</param>
public sealed record CheckpointDocument(string Format, IReadOnlyDictionary<string, string> Models, IReadOnlyList<CheckpointRecord> Measurements)
{
    public const string CurrentFormat = "inferpipe-profile-checkpoint/1";
}
