namespace InferencePipeline.Contracts;

/// <summary>
/// OrtTuner command: search ONNX Runtime settings and precision for the converted model. <see cref="InputDataUri"/>:
/// real inputs (perf_analyzer JSON) for the accuracy gate and int8 calibration; generated inputs when null.
/// </summary>
public sealed record TuneOrt(
    Guid PipelineId,
    string ModelName,
    string OnnxUri,
    string DefaultConfigUri,
    IReadOnlyList<TensorSpec> Inputs,
    IReadOnlyList<TensorSpec> Outputs,
    string? InputDataUri = null);
