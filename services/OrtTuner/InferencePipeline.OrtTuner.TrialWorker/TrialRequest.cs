namespace InferencePipeline.OrtTuner.Trials;

/// <summary>
/// The file a tuner hands an isolated trial: the <see cref="Spec"/>, the accuracy inputs (perf_analyzer JSON, one
/// batch-1 step per input set), the real inputs to time with (perf_analyzer JSON; null: generated), and where the child
/// writes its outputs (<see cref="TrialOutputsFile"/>) and its <see cref="TrialResult"/> (JSON).
/// </summary>
public sealed record TrialRequest(
    TrialSpec Spec,
    string AccuracyInputsPath,
    string? TimingInputDataPath,
    string OutputsPath,
    string ResultPath);
