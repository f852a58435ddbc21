namespace InferencePipeline.Contracts;

/// <summary>
/// The whole request for one pipeline run. <see cref="ModelUri"/> is a path or <c>file://</c> URI the
/// converter can read; <see cref="Inputs"/>/<see cref="Outputs"/> may be empty for ONNX models (read from
/// the model) and are required for PyTorch models.
/// <see cref="InputDataUri"/>, when given, names real inputs in perf_analyzer's <c>--input-data</c> JSON format (an
/// <c>artifacts/...</c> URI or a local path the services may read): the tuner judges accuracy and calibrates int8 on
/// them, the profiler's load generator sends them and the deployer's smoke inference uses them; without it, inputs are generated.
/// </summary>
public sealed record StartPipeline(
    Guid PipelineId,
    string ModelName,
    string ModelUri,
    ModelFormat Format,
    IReadOnlyList<TensorSpec> Inputs,
    IReadOnlyList<TensorSpec> Outputs,
    PipelineConstraints Constraints,
    IReadOnlyList<Objective> Objectives,
    SearchSpace SearchSpace,
    DeployTarget DeployTarget,
    string? InputDataUri = null);
