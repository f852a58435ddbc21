using Inference;
using InferencePipeline.Contracts;
using InferencePipeline.ModelRepository;

namespace InferencePipeline.TritonProfiler.Configs;

/// <summary>
/// One config to measure: what the report calls it (<see cref="Profile"/>), the serving config itself (with
/// the unknown fields of the config it came from, so the written entry keeps them) and the ONNX file it
/// serves (the converter's model for the default, the tuned model for the others).
/// </summary>
public sealed record PlannedConfig(ProfiledConfig Profile, ModelConfigDocument Document, string ModelPath)
{
    public string Name => Profile.Name;

    public ModelConfig Config => Document.Config;
}
