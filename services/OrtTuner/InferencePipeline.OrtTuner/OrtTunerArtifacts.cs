using InferencePipeline.Artifacts;
using InferencePipeline.ModelRepository;

namespace InferencePipeline.OrtTuner;

/// <summary>Where the tuner writes, under <c>artifacts/&lt;pipeline&gt;/ort-tuner/</c>.</summary>
public static class OrtTunerArtifacts
{
    public const string Stage = "ort-tuner";
    public const string RepositoryFolder = "model_repository";

    public static string Repository(Guid pipelineId) => ArtifactStore.UriFor(pipelineId, Stage, RepositoryFolder);

    public static string Config(Guid pipelineId, string modelName) =>
        ArtifactStore.UriFor(pipelineId, Stage, RepositoryFolder, modelName, ModelConfigFile.FileName);

    /// <summary>The tuned entry's model file; fp32 tuning changes settings only, so it is the converted model, copied.</summary>
    public static string Model(Guid pipelineId, string modelName) =>
        ArtifactStore.UriFor(pipelineId, Stage, RepositoryFolder, modelName, "1", ModelRepositoryLayout.ModelFileName);

    public static string Trials(Guid pipelineId) => ArtifactStore.UriFor(pipelineId, Stage, "trials.json");
}
