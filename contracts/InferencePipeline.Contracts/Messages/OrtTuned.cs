namespace InferencePipeline.Contracts;

/// <summary>
/// The best ORT settings, the model they apply to (transformed when the precision is not fp32), their config.pbtxt
/// and every trial's figures. <see cref="ChosenCandidate"/> names the winning trial (<c>default</c> when nothing beat
/// ONNX Runtime's defaults by more than the measurement noise), measured at <see cref="BatchSize"/>;
/// <see cref="TuningCsvUri"/> is <c>ort-tuning.csv</c>, one row per candidate and batch size.
/// </summary>
public sealed record OrtTuned(
    Guid PipelineId,
    string ModelName,
    string TunedOnnxUri,
    string TunedConfigUri,
    OrtSettings Best,
    double DefaultThroughputPerSec,
    double TunedThroughputPerSec,
    IReadOnlyList<OrtTrial> Trials,
    string? ChosenCandidate = null,
    int BatchSize = 1,
    string? TuningCsvUri = null);
