namespace InferencePipeline.Contracts;

/// <summary>
/// The model as ONNX (<see cref="OnnxUri"/>) and the baseline Triton repository entry
/// (<see cref="DefaultConfigUri"/> names its config.pbtxt), with the signature read from the model.
/// </summary>
public sealed record ModelConverted(
    Guid PipelineId,
    string ModelName,
    string OnnxUri,
    string DefaultConfigUri,
    IReadOnlyList<TensorSpec> Inputs,
    IReadOnlyList<TensorSpec> Outputs,
    int MaxBatchSize);
