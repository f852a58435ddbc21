using Inference;
using InferencePipeline.Contracts;

namespace InferencePipeline.TritonProfiler.Configs;

/// <summary>
/// One config to measure: what the report calls it (<see cref="Profile"/>), the serving config itself and
/// the ONNX file it serves (the converter's model for the default, the tuned model for the others).
/// </summary>
public sealed record PlannedConfig(ProfiledConfig Profile, ModelConfig Config, string ModelPath)
{
    public string Name => Profile.Name;
}
