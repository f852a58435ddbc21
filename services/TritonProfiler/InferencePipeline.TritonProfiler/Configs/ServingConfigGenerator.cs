using Inference;
using InferencePipeline.Artifacts;
using InferencePipeline.Contracts;
using InferencePipeline.ModelRepository;

namespace InferencePipeline.TritonProfiler.Configs;

/// <summary>
/// Model Analyzer's config generator: the default config, the ORT-tuned config and one config per
/// (preferred batch size, instance count) of the search space, built from the tuned config. Each is written
/// to the profile's output model repository (<c>artifacts/&lt;id&gt;/profiler/output_model_repository/&lt;name&gt;/</c>)
/// as config.pbtxt plus a link to the model it serves, so every entry there is a servable Triton model and
/// the analyzer's choice can be deployed from it as is.
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

    /// <summary>
    /// Builds and writes every config of the request. Bad input (missing or unreadable configs, a search
    /// space the model cannot use) throws ArgumentException, FileNotFoundException,
    /// ArtifactUriException or ModelConfigFormatException with the reason.
    /// </summary>
    public async Task<IReadOnlyList<PlannedConfig>> GenerateAsync(ProfileModel request, CancellationToken cancellationToken)
    {
        var plan = Plan(request);
        foreach (var config in plan)
        {
            await WriteAsync(request.PipelineId, config, cancellationToken);
        }

        return plan;
    }

    /// <summary>The configs without writing anything (names, variants, config protos, model paths).</summary>
    public IReadOnlyList<PlannedConfig> Plan(ProfileModel request)
    {
        var defaultPath = store.PathFor(request.DefaultConfigUri);
        var tunedPath = store.PathFor(request.TunedConfigUri);
        // Documents, not bare configs: what the user wrote that our ModelConfig does not know is written back.
        var defaultConfig = ModelConfigFile.ReadDocument(defaultPath);
        var tunedConfig = ModelConfigFile.ReadDocument(tunedPath);
        var defaultModel = ModelRepositoryLayout.ServedModelPath(defaultPath, MissingModelRemedy);
        var tunedModel = ModelRepositoryLayout.ServedModelPath(tunedPath, MissingModelRemedy);
        var model = request.ModelName;

        var plan = new List<PlannedConfig>();
        var baseline = defaultConfig.Config.Clone();
        baseline.Name = DefaultName(model);
        plan.Add(Planned(request.PipelineId, defaultConfig.WithConfig(baseline), ConfigVariant.Default, defaultModel));

        // The tuned model as OLive leaves it: its ORT settings, no dynamic batching, one instance. Unknown fields
        // of blocks a variant replaces (a second instance group, a cleared dynamic_batching) go with the block.
        var tuned = tunedConfig.WithConfig(ServingConfigVariants.With(tunedConfig.Config, TunedName(model), [], 1));
        plan.Add(Planned(request.PipelineId, tuned, ConfigVariant.OrtTuned, tunedModel));

        // Model Analyzer's brute search: each preferred size on its own ([[1],[2],...]), times each count.
        IReadOnlyList<IReadOnlyList<int>> batchings = request.SearchSpace.PreferredBatchSizes.Count == 0
            ? [[]]
            : request.SearchSpace.PreferredBatchSizes.Distinct().Select(size => (IReadOnlyList<int>)[size]).ToList();
        var index = 0;
        foreach (var batching in batchings)
        {
            foreach (var instances in request.SearchSpace.InstanceCounts.Distinct())
            {
                var config = ServingConfigVariants.With(tunedConfig.Config, SearchName(model, index++), batching, instances);
                plan.Add(Planned(request.PipelineId, tunedConfig.WithConfig(config), ConfigVariant.TritonSearch, tunedModel));
            }
        }

        return plan;
    }

    private static PlannedConfig Planned(Guid pipelineId, ModelConfigDocument document, ConfigVariant variant, string modelPath)
    {
        var config = document.Config;
        var uri = ArtifactStore.UriFor(pipelineId, Stage, OutputRepository, config.Name, ModelConfigFile.FileName);
        var preferred = config.DynamicBatching?.PreferredBatchSize.ToList() ?? [];
        // Triton's default when no instance_group is given is one instance.
        var instances = config.InstanceGroup.Count == 0 ? 1 : config.InstanceGroup.Sum(group => Math.Max(1, group.Count));
        var profile = new ProfiledConfig(config.Name, variant, config.MaxBatchSize, preferred, instances, uri);
        return new PlannedConfig(profile, document, modelPath);
    }

    private async Task WriteAsync(Guid pipelineId, PlannedConfig config, CancellationToken cancellationToken)
    {
        var configPath = store.PathFor(config.Profile.ConfigUri);
        await ModelConfigFile.WriteAsync(configPath, config.Document, cancellationToken);
        var modelPath = store.PathFor(ArtifactStore.UriFor(pipelineId, Stage, OutputRepository, config.Name, "1", ModelRepositoryLayout.ModelFileName));
        LinkModel(config.ModelPath, modelPath);
    }

    /// <summary>
    /// Model Analyzer links its variants to one copy of the model instead of copying it per config (27 copies
    /// of a 1 GB BERT otherwise). The link is relative, so the artifact root can move; where links cannot be
    /// made the file is copied.
    /// </summary>
    private static void LinkModel(string source, string link)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(link)!);
        if (File.Exists(link) || new FileInfo(link).LinkTarget is not null)
        {
            File.Delete(link);
        }

        try
        {
            File.CreateSymbolicLink(link, Path.GetRelativePath(Path.GetDirectoryName(link)!, source));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or PlatformNotSupportedException)
        {
            File.Copy(source, link, overwrite: true);
        }
    }
}
