using Inference;
using InferencePipeline.Artifacts;
using InferencePipeline.Contracts;
using InferencePipeline.ModelRepository;
using InferencePipeline.Onnx;

namespace InferencePipeline.Stages.Tests.Profiler;

/// <summary>
/// What the converter and the tuner leave behind for the profiler — a default and a tuned repository entry
/// of the Add model under the pipeline's artifacts — and the ProfileModel command that names them.
/// </summary>
public static class ProfileRequests
{
    public const string ModelName = "add";

    /// <summary>A small, fast space: 100 ms windows, a loose stability band so three windows usually suffice.</summary>
    public static SearchSpace FastSpace(IReadOnlyList<int> concurrency, IReadOnlyList<int> batchSizes, IReadOnlyList<int> instances) =>
        new(concurrency, batchSizes, instances, MeasurementWindowMs: 100, StabilityPercentage: 50, MaxTrials: 5);

    public static async Task<ProfileModel> CreateAsync(
        ArtifactStore store,
        Guid pipelineId,
        SearchSpace space,
        string defaultModel,
        string tunedModel,
        PipelineConstraints? constraints = null,
        Action<ModelConfig>? changeTuned = null)
    {
        var baseline = DefaultModelConfig.Create(ModelName, DemoModels.TrivialInputs, DemoModels.TrivialOutputs, maxBatchSize: 8);
        await ModelRepositoryLayout.CreateEntryAsync(RepositoryOf(store, pipelineId, "converter"), ModelName, defaultModel, baseline);

        var tuned = OrtConfigParameters.Apply(baseline.Clone(), OrtSettings.Default with { IntraOpThreads = 1 });
        changeTuned?.Invoke(tuned);
        await ModelRepositoryLayout.CreateEntryAsync(RepositoryOf(store, pipelineId, "tuner"), ModelName, tunedModel, tuned);

        return new ProfileModel(
            pipelineId,
            ModelName,
            ArtifactStore.UriFor(pipelineId, "converter", "model_repository", ModelName, ModelConfigFile.FileName),
            ArtifactStore.UriFor(pipelineId, "tuner", "model_repository", ModelName, ModelConfigFile.FileName),
            DemoModels.TrivialInputs,
            space,
            constraints ?? PipelineConstraints.None);
    }

    private static string RepositoryOf(ArtifactStore store, Guid pipelineId, string stage) =>
        store.PathFor(ArtifactStore.UriFor(pipelineId, stage, "model_repository"));
}
