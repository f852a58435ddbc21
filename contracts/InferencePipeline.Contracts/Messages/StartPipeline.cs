namespace InferencePipeline.Contracts;

/// <summary>
/// The whole request for one pipeline run. <see cref="ModelUri"/> is a path or <c>file://</c> URI the
/// converter can read; <see cref="Inputs"/>/<see cref="Outputs"/> may be empty for ONNX models (read from
/// the model) and are required for PyTorch models.
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
    DeployTarget DeployTarget);
