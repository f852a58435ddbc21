using InferencePipeline.Contracts;

namespace InferencePipeline.OrtTuner.Trials;

/// <summary>
/// How a trial went: the settings the session really ran with (a provider may have fallen back, a level been
/// clamped; <see cref="Notes"/> says why), the failure that ended it before any timing (<see cref="Error"/>), and one
/// timing per batch size.
/// </summary>
public sealed record TrialResult(
    OrtSettings? Effective,
    IReadOnlyList<string> Notes,
    string? Error,
    IReadOnlyList<BatchTiming> Timings)
{
    public static TrialResult Failed(string error, OrtSettings? effective = null, IReadOnlyList<string>? notes = null) =>
        new(effective, notes ?? [], error, []);
}

/// <summary>One batch size's measurement, or why it could not be taken.</summary>
public sealed record BatchTiming(int BatchSize, LatencyStats? Stats, string? Error = null);
