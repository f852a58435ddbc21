namespace InferencePipeline.Contracts;

/// <summary>
/// The whole request for one pipeline run. <see cref="ModelUri"/> is a path or <c>file://</c> URI the
/// converter can read; <see cref="Inputs"/>/<see cref="Outputs"/> may be empty for ONNX models (read from
/// the model) and are required for PyTorch models.
/// <para><see cref="Inputs"/> also say the sizes to measure at: where the model leaves a non-batch dimension
/// open (a sequence length, an image's height), the declared size (<c>[-1, 128]</c>) is what the tuner, profiler
/// and deployer send; the served config keeps the dimension dynamic. For PyTorch models the shapes are the
/// export's, as OLive's <c>--input_shapes</c>: a size is fixed in the exported model, -1 stays dynamic.</para>
/// <para><see cref="TrustPickle"/>: a pickled PyTorch file (<c>torch.save</c>) runs code when loaded, so it is
/// loaded only when this is true. <see cref="OnnxOpset"/>: the opset a PyTorch model is exported at (null: 11,
/// the seed's).</para>
/// <para><see cref="InputDataUri"/>, when given, names real inputs in perf_analyzer's <c>--input-data</c> JSON format (an
/// <c>artifacts/...</c> URI or a local path the services may read): the tuner judges accuracy and calibrates int8 on
/// them, the profiler's load generator sends them and the deployer's smoke inference uses them; without it, inputs are generated.</para>
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
    bool TrustPickle = false,
    int? OnnxOpset = null,
    string? InputDataUri = null);
