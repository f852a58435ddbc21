using InferencePipeline.Artifacts;
using InferencePipeline.ModelRepository;

namespace InferencePipeline.Converter;

/// <summary>Where the converter writes, under <c>artifacts/&lt;pipeline&gt;/converter/</c>.</summary>
public static class ConverterArtifacts
{
    public const string Stage = "converter";
    public const string RepositoryFolder = "model_repository";

    public static string Onnx(Guid pipelineId) => ArtifactStore.UriFor(pipelineId, Stage, ModelRepositoryLayout.ModelFileName);

    public static string Repository(Guid pipelineId) => ArtifactStore.UriFor(pipelineId, Stage, RepositoryFolder);

    /// <summary>The baseline entry's config: <c>model_repository/&lt;model&gt;/config.pbtxt</c>.</summary>
    public static string DefaultConfig(Guid pipelineId, string modelName) =>
        ArtifactStore.UriFor(pipelineId, Stage, RepositoryFolder, modelName, ModelConfigFile.FileName);
}
