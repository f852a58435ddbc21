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

    /// <summary>The tuned entry's model file: the converted model, or its int8/fp16 transform when a precision candidate won.</summary>
    public static string Model(Guid pipelineId, string modelName) =>
        ArtifactStore.UriFor(pipelineId, Stage, RepositoryFolder, modelName, "1", ModelRepositoryLayout.ModelFileName);

    public static string Trials(Guid pipelineId) => ArtifactStore.UriFor(pipelineId, Stage, "trials.json");

    /// <summary>One row per candidate and batch size (<see cref="OrtTuningCsv"/>).</summary>
    public static string TuningCsv(Guid pipelineId) => ArtifactStore.UriFor(pipelineId, Stage, OrtTuningCsv.FileName);

    /// <summary>Transformed candidates and trial files while tuning; removed when the stage ends.</summary>
    public static string Work(Guid pipelineId) => ArtifactStore.UriFor(pipelineId, Stage, "work");
}
