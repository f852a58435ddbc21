using Inference;

namespace InferencePipeline.InferenceServer.Repository;

/// <summary>
/// What a load request puts in place of the repository entry (Triton's load parameters): <see cref="Config"/>
/// replaces config.pbtxt; <see cref="Files"/>, when there are any, replace the whole model directory
/// (keys are checked paths relative to it, e.g. "1/model.onnx").
/// </summary>
internal sealed record ModelOverride(ModelConfig? Config, IReadOnlyDictionary<string, byte[]> Files)
{
    public bool HasFiles => Files.Count > 0;
}
