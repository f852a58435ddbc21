using InferencePipeline.ModelRepository;
using InferencePipeline.Onnx;

namespace InferencePipeline.Cloud.AzureMl;

/// <summary>One model of a Triton repository that passed <see cref="TritonRepositoryCheck"/>: its config and the file it serves.</summary>
public sealed record TritonRepositoryEntry(
    string ModelName,
    string ConfigPath,
    ModelConfigDocument Document,
    string ModelPath,
    int Version,
    OnnxModelInfo Model);
