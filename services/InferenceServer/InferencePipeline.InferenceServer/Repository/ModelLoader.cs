using Grpc.Core;
using Inference;
using InferencePipeline.InferenceServer.Execution;
using InferencePipeline.ModelRepository;
using InferencePipeline.Onnx;
using Microsoft.Extensions.Logging;
using Microsoft.ML.OnnxRuntime;

namespace InferencePipeline.InferenceServer.Repository;

/// <summary>
/// Turns a repository entry (config.pbtxt or an override config, plus the newest version's model.onnx) into
/// a <see cref="LoadedModel"/>: one ORT session per instance, config completed from the model where it is
/// silent (inputs/outputs), and checked against the model where it speaks.
/// </summary>
internal sealed class ModelLoader(InferenceServerOptions options, ILogger<ModelLoader> logger)
{
    public string RepositoryRoot => Path.GetFullPath(options.ModelRepository);

    public LoadedModel Load(string name, ModelConfig? overrideConfig)
    {
        if (!ModelNames.IsValid(name))
        {
            throw InferenceException.Invalid($"invalid model name '{name}'");
        }
        var directory = Path.Combine(RepositoryRoot, name);
        if (!Directory.Exists(directory))
        {
            throw new InferenceException(StatusCode.NotFound,
                $"failed to load '{name}': no such model in the repository '{RepositoryRoot}'");
        }

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

        var (version, modelPath) = ModelVersionDirectory.Find(directory, name, config);
        var settings = OrtConfigParameters.Read(config);
        var instances = Math.Max(1, config.InstanceGroup.Sum(g => g.Count > 0 ? g.Count : 1));
        var sessions = new List<InferenceSession>(instances);
        try
        {
            for (var i = 0; i < instances; i++)
            {
                sessions.Add(CreateSession(name, modelPath, settings));
            }
            ModelConfigCompletion.CompleteAndCheck(config, sessions[0]);
            return new LoadedModel(new ModelDefinition(name, version, config), sessions);
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

    private InferenceSession CreateSession(string name, string modelPath, InferencePipeline.Contracts.OrtSettings settings)
    {
        try
        {
            // The factory falls back to CPU when a GPU provider is missing and says so through the log callback.
            return OrtSessionFactory.Create(modelPath, settings, note => logger.LogWarning("Model {Model}: {Note}", name, note));
        }
        catch (Exception e) when (e is InvalidModelException or OnnxRuntimeException)
        {
            throw new InferenceException(StatusCode.InvalidArgument,
                $"failed to load '{name}': onnxruntime could not create a session for '{modelPath}' ({settings}): {e.Message}", e);
        }
    }
}
