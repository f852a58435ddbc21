namespace InferencePipeline.Contracts;

/// <summary>
/// TritonProfiler command: measure the default config, the ORT-tuned config and every config of the
/// search space on the inference server, at every concurrency. <see cref="InputDataUri"/>: real inputs
/// (perf_analyzer JSON) the load generator sends; random data when null.
/// </summary>
public sealed record ProfileModel(
    Guid PipelineId,
    string ModelName,
    string DefaultConfigUri,
    string TunedConfigUri,
    IReadOnlyList<TensorSpec> Inputs,
    SearchSpace SearchSpace,
    PipelineConstraints Constraints,
    string? InputDataUri = null);
