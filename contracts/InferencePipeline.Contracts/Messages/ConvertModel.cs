namespace InferencePipeline.Contracts;

/// <summary>
/// Converter command: turn the user's model into ONNX plus the default (baseline) Triton config. The fields
/// mean what they mean in <see cref="StartPipeline"/>: <see cref="Inputs"/> give the sizes of the model's open
/// dimensions (and, for PyTorch, the export's names, types and shapes), <see cref="TrustPickle"/> allows loading
/// a pickled PyTorch file, <see cref="OnnxOpset"/> is the export's opset (null: 11).
/// </summary>
public sealed record ConvertModel(
    Guid PipelineId,
    string ModelName,
    string ModelUri,
    ModelFormat Format,
    IReadOnlyList<TensorSpec> Inputs,
    IReadOnlyList<TensorSpec> Outputs,
    bool TrustPickle = false,
    int? OnnxOpset = null);
