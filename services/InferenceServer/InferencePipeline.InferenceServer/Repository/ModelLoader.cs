using System.Globalization;
using Grpc.Core;
using Inference;
using InferencePipeline.Contracts;
using InferencePipeline.InferenceServer.Execution;
using InferencePipeline.ModelRepository;
using InferencePipeline.Onnx;
using Microsoft.Extensions.Logging;
using Microsoft.ML.OnnxRuntime;

namespace InferencePipeline.InferenceServer.Repository;

/// <summary>
/// Turns a repository entry (config.pbtxt or an override config, plus the version directories the version
/// policy selects) into <see cref="ModelVersions"/>: per version one ORT session per instance, the config
/// completed from the model where it is silent (inputs/outputs) and checked against every version where it speaks.
/// A load is all or nothing, as in Triton: every selected version is tried, and if one fails
/// (<see cref="ModelVersionsLoadException"/>, naming each failed version) none is served from this load.
/// </summary>
internal sealed class ModelLoader(InferenceServerOptions options, ILogger<ModelLoader> logger)
{
    public string RepositoryRoot => Path.GetFullPath(options.ModelRepository);

    public ModelVersions Load(string name, ModelOverride? modelOverride)
    {
        if (!ModelNames.IsValid(name))
        {
            throw InferenceException.Invalid($"invalid model name '{name}'");
        }
        if (modelOverride is { HasFiles: true })
        {
            // Triton: with file overrides the model comes from those files only, repository entry or not.
            using var files = OverrideModelDirectory.Write(name, modelOverride.Files);
            return Load(name, files.ModelDirectory, modelOverride.Config);
        }
        var directory = Path.Combine(RepositoryRoot, name);
        if (!Directory.Exists(directory))
        {
            throw new InferenceException(StatusCode.NotFound,
                $"failed to load '{name}': no such model in the repository '{RepositoryRoot}'");
        }
        return Load(name, directory, modelOverride?.Config);
    }

    private ModelVersions Load(string name, string directory, ModelConfig? overrideConfig)
    {
        var config = overrideConfig?.Clone() ?? ReadConfig(name, directory);
        if (string.IsNullOrEmpty(config.Name))
        {
            config.Name = name;
        }
        else if (config.Name != name)
        {
            throw InferenceException.Invalid($"failed to load '{name}': its config names the model '{config.Name}'");
        }
        if (config.MaxBatchSize < 0)
        {
            throw InferenceException.Invalid($"failed to load '{name}': max_batch_size must be >= 0, got {config.MaxBatchSize}");
        }
        if (string.IsNullOrEmpty(config.Platform) && string.IsNullOrEmpty(config.Backend))
        {
            config.Backend = DefaultModelConfig.Backend;
        }

        if (config.DynamicBatching is { } batching && (batching.PriorityLevels > 0 || batching.PriorityQueuePolicy.Count > 0))
        {
            logger.LogWarning("Model {Model}: dynamic_batching priority levels are not used by the embedded server; every request " +
                "queues under default_queue_policy", name);
        }

        var versions = ModelVersionDirectory.Select(directory, name, config, warning => logger.LogWarning("{Warning}", warning));
        var settings = OrtConfigParameters.Read(config);
        var instances = Math.Max(1, config.InstanceGroup.Sum(g => g.Count > 0 ? g.Count : 1));
        var loaded = new List<LoadedModel>(versions.Count);
        var failures = new List<VersionLoadFailure>();
        ModelConfig? completed = null;
        try
        {
            // Highest first: auto-completion takes inputs/outputs from the newest model that loads, the older ones are
            // checked against it. Each try gets its own copy until one succeeds, so a version that fails half-way
            // through completion leaves nothing of itself in the config the others are checked against.
            foreach (var (version, modelPath) in versions)
            {
                var versionConfig = completed ?? config.Clone();
                try
                {
                    loaded.Add(LoadVersion(name, version, modelPath, versionConfig, settings, instances));
                    completed = versionConfig;
                }
                catch (InferenceException e)
                {
                    // Triton tries every version and logs each failure, so one load shows every broken version.
                    failures.Add(new VersionLoadFailure(version, e.Message));
                    logger.LogWarning("Model {Model} version {Version} failed to load: {Reason}", name, version, e.Message);
                }
            }
        }
        catch
        {
            Retire(loaded);
            throw;
        }

        if (failures.Count > 0)
        {
            Retire(loaded);
            throw new ModelVersionsLoadException(name, versions.Select(v => v.Version).ToArray(), failures.OrderBy(f => f.Version).ToArray());
        }
        return new ModelVersions(loaded);
    }

    private static void Retire(List<LoadedModel> loaded)
    {
        foreach (var model in loaded)
        {
            model.Retire();
        }
    }

    private LoadedModel LoadVersion(string name, long version, string modelPath, ModelConfig config,
        InferencePipeline.Contracts.OrtSettings settings, int instances)
    {
        var sessions = new List<InferenceSession>(instances);
        var notes = new List<string>();
        try
        {
            for (var i = 0; i < instances; i++)
            {
                sessions.Add(CreateSession(name, modelPath, settings, notes));
            }
            ModelConfigCompletion.CompleteAndCheck(config, sessions[0]);
            // All versions share the one config, as in Triton: the model has one config, its versions differ in files.
            var definition = new ModelDefinition(name, version.ToString(CultureInfo.InvariantCulture), config, notes.Distinct().ToArray(),
                options.MaxQueueSize);
            return new LoadedModel(definition, sessions);
        }
        catch
        {
            foreach (var session in sessions)
            {
                session.Dispose();
            }
            throw;
        }
    }

    private ModelConfig ReadConfig(string name, string directory)
    {
        var path = Path.Combine(directory, ModelConfigFile.FileName);
        if (!File.Exists(path))
        {
            // Triton's auto-complete: no config means everything is taken from the model.
            return new ModelConfig { Name = name };
        }
        ModelConfigDocument document;
        try
        {
            document = ModelConfigFile.ReadDocument(path);
        }
        catch (FormatException e)
        {
            throw InferenceException.Invalid($"failed to load '{name}': {e.Message}");
        }

        // Triton configs carry fields this server has no use for (sequence_batching, ensemble_scheduling, ...).
        // Refusing them would make Triton repositories unservable; ignoring them silently would hide that a
        // sequence model is served without its sequence batcher. So: load, and say once what is not used.
        if (document.UnknownFields.Count > 0)
        {
            logger.LogWarning("Model {Model}: {Path} has fields the embedded server does not know: {Fields}; kept, not used by the embedded server",
                name, path, string.Join(", ", document.UnknownFields.Select(f => $"'{f.FullName}' (line {f.Line})")));
        }
        return document.Config;
    }

    private InferenceSession CreateSession(string name, string modelPath, InferencePipeline.Contracts.OrtSettings settings, List<string> notes)
    {
        try
        {
            // The factory falls back to CPU when a GPU provider is missing and says so through the log callback;
            // the notes also reach the repository index, where a client sees them without the server's log.
            return OrtSessionFactory.Create(modelPath, settings, note =>
            {
                notes.Add(note);
                logger.LogWarning("Model {Model}: {Note}", name, note);
            });
        }
        catch (Exception e) when (e is InvalidModelException or OnnxRuntimeException)
        {
            // No "failed to load" prefix: this is one version's reason, which the load's message lists with the others'.
            throw new InferenceException(StatusCode.InvalidArgument,
                $"onnxruntime could not create a session for '{modelPath}' ({settings}): {e.Message}", e);
        }
    }
}
