namespace InferencePipeline.Contracts;

/// <summary>The best ORT settings, the model they apply to, their config.pbtxt and every trial's figures.</summary>
public sealed record OrtTuned(
    Guid PipelineId,
    string ModelName,
    string TunedOnnxUri,
    string TunedConfigUri,
    OrtSettings Best,
    double DefaultThroughputPerSec,
    double TunedThroughputPerSec,
    IReadOnlyList<OrtTrial> Trials);
