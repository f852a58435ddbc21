namespace InferencePipeline.Contracts;

/// <summary>Converter command: turn the user's model into ONNX plus the default (baseline) Triton config.</summary>
public sealed record ConvertModel(
    Guid PipelineId,
    string ModelName,
    string ModelUri,
    ModelFormat Format,
    IReadOnlyList<TensorSpec> Inputs,
    IReadOnlyList<TensorSpec> Outputs);
