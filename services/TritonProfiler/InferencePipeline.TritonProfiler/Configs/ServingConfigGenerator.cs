using InferencePipeline.Artifacts;
using InferencePipeline.Contracts;
using InferencePipeline.ModelAnalyzer.Search;
using InferencePipeline.ModelRepository;

namespace InferencePipeline.TritonProfiler.Configs;

/// <summary>
/// Model Analyzer's config generator for a pipeline: the default config and the ORT-tuned config (always measured
/// first), then the search space built from the tuned config (<see cref="SearchSpaceGrid"/>). Each is written to the
/// profile's output model repository (<c>artifacts/&lt;id&gt;/profiler/output_model_repository/&lt;name&gt;/</c>) as
/// config.pbtxt plus a link to the model it serves, so every entry there is a servable Triton model and the analyzer's
/// choice can be deployed from it as is.
/// </summary>
public sealed class ServingConfigGenerator(ArtifactStore store)
{
    public const string Stage = "profiler";
    public const string OutputRepository = "output_model_repository";

    // The default and tuned configs come from the converter and the ORT tuner, each beside its model.
    private const string MissingModelRemedy = "the stage that wrote the config must write the model beside it.";

    public static string DefaultName(string model) => $"{model}_config_default";

    public static string TunedName(string model) => $"{model}_config_ort_tuned";

    public static string SearchName(string model, int index) => $"{model}_config_{index}";

    public static string UriOf(Guid pipelineId, string configName) =>
        ArtifactStore.UriFor(pipelineId, Stage, OutputRepository, configName, ModelConfigFile.FileName);

    /// <summary>
    /// Builds and writes every config of the request (the fixed ones, then the grid in order) and returns them.
    /// Bad input (missing or unreadable configs, a search space the model cannot use) throws ArgumentException,
    /// FileNotFoundException, ArtifactUriException or ModelConfigFormatException with the reason.
    /// </summary>
    public async Task<ProfileSpace> GenerateAsync(ProfileModel request, CancellationToken cancellationToken)
    {
        var space = Space(request);
        foreach (var config in space.All)
        {
            await WriteAsync(request.PipelineId, config, cancellationToken);
        }

        return space;
    }

    /// <summary>The configs without writing anything: every grid point is built, so a space the model cannot use fails here.</summary>
    public ProfileSpace Space(ProfileModel request)
    {
        var defaultPath = store.PathFor(request.DefaultConfigUri);
        var tunedPath = store.PathFor(request.TunedConfigUri);
        // Documents, not bare configs: what the user wrote that our ModelConfig does not know is written back.
        var defaultConfig = ModelConfigFile.ReadDocument(defaultPath);
        var tunedConfig = ModelConfigFile.ReadDocument(tunedPath);
        var defaultModel = ModelRepositoryLayout.ServedModelPath(defaultPath, MissingModelRemedy);
        var tunedModel = ModelRepositoryLayout.ServedModelPath(tunedPath, MissingModelRemedy);
        var model = request.ModelName;

        var baseline = defaultConfig.Config.Clone();
        baseline.Name = DefaultName(model);
        var fixedConfigs = new List<PlannedServingConfig>
        {
            Planned(request.PipelineId, defaultConfig.WithConfig(baseline), ConfigVariant.Default, defaultModel),
            // The tuned model as OLive leaves it: its ORT settings, no dynamic batching, one instance. Unknown fields
            // of blocks a variant replaces (a second instance group, a cleared dynamic_batching) go with the block.
            Planned(request.PipelineId, tunedConfig.WithConfig(ServingConfigVariants.With(tunedConfig.Config, TunedName(model), [], 1)),
                ConfigVariant.OrtTuned, tunedModel),
        };

        var grid = new SearchSpaceGrid(request, tunedConfig, tunedModel);
        return new ProfileSpace(fixedConfigs, grid, [.. fixedConfigs, .. grid.Coordinates().Select(grid.At)]);
    }

    private static PlannedServingConfig Planned(Guid pipelineId, ModelConfigDocument document, ConfigVariant variant, string modelPath) =>
        new(document.Config.Name, variant, document, modelPath, UriOf(pipelineId, document.Config.Name));

    private async Task WriteAsync(Guid pipelineId, PlannedServingConfig config, CancellationToken cancellationToken)
    {
        await ModelConfigFile.WriteAsync(store.PathFor(config.ConfigUri), config.Document, cancellationToken);
        var modelPath = store.PathFor(ArtifactStore.UriFor(pipelineId, Stage, OutputRepository, config.Name, "1", ModelRepositoryLayout.ModelFileName));
        ModelRepositoryLayout.LinkModel(config.ModelPath, modelPath);
    }
}

/// <summary>A pipeline's configs: the ones always swept first, the searched grid, and all of them in order.</summary>
public sealed record ProfileSpace(IReadOnlyList<PlannedServingConfig> Fixed, SearchSpaceGrid Grid, IReadOnlyList<PlannedServingConfig> All);
