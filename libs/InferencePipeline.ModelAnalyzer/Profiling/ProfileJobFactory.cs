using InferencePipeline.Contracts;
using InferencePipeline.ModelAnalyzer.Config;
using InferencePipeline.ModelAnalyzer.Reports;
using InferencePipeline.ModelAnalyzer.Search;

namespace InferencePipeline.ModelAnalyzer.Profiling;

/// <summary>
/// The profile a Model Analyzer YAML asks for, one job per model of <c>profile_models</c>:
/// <list type="bullet">
/// <item>the model's own config (its default, <c>&lt;model&gt;_config_default</c>) is always measured first, except
/// that with <c>run_config_search_disable</c> a model's <c>model_config_parameters</c> are exactly the configs measured;</item>
/// <item>the searched space is the cross product of <c>model_config_parameters</c>; when those are not given (or give
/// only backend <c>parameters</c>), Model Analyzer's automatic space (plus those parameters as further axes); with
/// <c>run_config_search_disable</c> and no parameters, the default alone;</item>
/// <item>a config equal to another (the default included) is measured once.</item>
/// </list>
/// </summary>
public static class ProfileJobFactory
{
    public static IReadOnlyList<ModelProfileJob> Build(
        ModelAnalyzerConfig config, Func<string, string> configUri, GpuFallback gpu, ICollection<string> warnings)
    {
        if (config.ProfileModels.Count == 0)
        {
            throw new ModelAnalyzerConfigException(config.Source, "profile_models", 0, "profile needs profile_models: the models of model_repository to profile.");
        }

        var repository = config.ModelRepository
            ?? throw new ModelAnalyzerConfigException(config.Source, "model_repository", 0, "profile needs model_repository: the folder that holds the models.");
        var jobs = new List<ModelProfileJob>();
        foreach (var spec in config.ProfileModels)
        {
            var model = RepositoryModel.Find(repository, spec.Name, config.Source);
            jobs.Add(Build(config, spec, model, configUri, gpu, warnings));
        }

        return jobs;
    }

    private static ModelProfileJob Build(
        ModelAnalyzerConfig config, ProfileModelSpec spec, RepositoryModel model, Func<string, string> configUri, GpuFallback gpu, ICollection<string> warnings)
    {
        var defaultConfig = model.Document.Config.Clone();
        defaultConfig.Name = $"{spec.Name}_config_default";
        gpu.Apply(defaultConfig, spec.Name);
        var planned = new PlannedServingConfig(
            defaultConfig.Name, ConfigVariant.Default, model.Document.WithConfig(defaultConfig), model.ModelPath, configUri(defaultConfig.Name), model.ModelDigest);

        var parameters = spec.ModelConfigParameters;
        var onlyBackend = parameters is not null && parameters.Entries.All(e => e.Key == ConfigMerge.ParametersField);
        IConfigGrid? grid = null;
        IReadOnlyList<PlannedServingConfig> fixedConfigs = [planned];
        if (parameters is not null && !onlyBackend)
        {
            grid = new ParameterGrid(spec.Name, model.Document, model.ModelPath, parameters, configUri, gpu, config.Source, warnings, model.ModelDigest);
            if (config.SearchDisable)
            {
                fixedConfigs = [];
            }
        }
        else if (!config.SearchDisable || onlyBackend)
        {
            var automatic = AutomaticSpace.For(model.Document.Config, config, onlyBackend ? parameters![ConfigMerge.ParametersField] : null);
            grid = new ParameterGrid(spec.Name, model.Document, model.ModelPath, automatic, configUri, gpu, config.Source, warnings, model.ModelDigest);
        }

        ObjectiveScore score;
        try
        {
            score = new ObjectiveScore(config.ObjectivesFor(spec.Name));
        }
        catch (ArgumentException e)
        {
            throw new ModelAnalyzerConfigException(config.Source, $"profile_models.{spec.Name}.objectives", 0, e.Message, e);
        }

        return new ModelProfileJob(
            spec.Name,
            fixedConfigs,
            grid,
            config.SearchMode,
            LoadSpec.For(spec.Parameters.Over(config.Parameters), config),
            config.ConstraintsFor(spec.Name),
            score,
            config.NumConfigsPerModel,
            (config.FlagsFor(spec.Name).StabilityPercentage ?? PerfAnalyzerFlags.DefaultStabilityPercentage) / 100);
    }
}
