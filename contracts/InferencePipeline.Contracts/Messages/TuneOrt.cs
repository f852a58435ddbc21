namespace InferencePipeline.Contracts;

/// <summary>OrtTuner command: search ONNX Runtime settings for the converted model.</summary>
public sealed record TuneOrt(
    Guid PipelineId,
    string ModelName,
    string OnnxUri,
    string DefaultConfigUri,
    IReadOnlyList<TensorSpec> Inputs,
    IReadOnlyList<TensorSpec> Outputs);
