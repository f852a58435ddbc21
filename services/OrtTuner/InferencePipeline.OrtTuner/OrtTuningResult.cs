using InferencePipeline.Contracts;

namespace InferencePipeline.OrtTuner;

/// <summary>
/// What a tuning found: every trial (one per candidate and batch size, skipped and rejected ones included), ONNX
/// Runtime's defaults and the chosen candidate at <see cref="ChoiceBatchSize"/>, and the model file the chosen settings
/// run (the original, or its int8/fp16 transform). <see cref="Notes"/> says what was left out and why.
/// </summary>
public sealed record OrtTuningResult(
    IReadOnlyList<OrtTrial> Trials,
    OrtTrial Baseline,
    OrtTrial Chosen,
    string ChosenModelPath,
    int ChoiceBatchSize,
    IReadOnlyList<string> Notes,
    TimeSpan Elapsed)
{
    public double Speedup => Baseline.ThroughputPerSec > 0 ? Chosen.ThroughputPerSec / Baseline.ThroughputPerSec : 0;

    public string ChosenCandidate => Chosen.Candidate ?? CandidateNames.Default;
}
