namespace InferencePipeline.Contracts;

/// <summary>
/// The model as ONNX (<see cref="OnnxUri"/>) and the baseline Triton repository entry
/// (<see cref="DefaultConfigUri"/> names its config.pbtxt), with the signature read from the model.
/// <para><see cref="Inputs"/> are the sizes to measure at: the model's own dims where it fixes them, the
/// request's declared size where the model leaves a dimension open, and -1 only for the batch dimension of a
/// model that batches. The tuner, the profiler (its load generator's shapes) and the deployer (its smoke
/// inference) use them; the config.pbtxt keeps the model's open dims as -1, as Triton wants.
/// <see cref="Outputs"/> are the model's own.</para>
/// </summary>
public sealed record ModelConverted(
    Guid PipelineId,
    string ModelName,
    string OnnxUri,
    string DefaultConfigUri,
    IReadOnlyList<TensorSpec> Inputs,
    IReadOnlyList<TensorSpec> Outputs,
    int MaxBatchSize);
