using Inference;
using InferencePipeline.ModelRepository;
using InferencePipeline.Onnx;

namespace InferencePipeline.Cloud.AzureMl;

/// <summary>
/// Checks one model of a Triton model repository the way Triton will when Azure ML starts it: the layout
/// (<c>&lt;repo&gt;/&lt;model&gt;/config.pbtxt</c> beside a numbered version directory holding <c>model.onnx</c>), the
/// config parses and names the directory, the backend is ONNX Runtime, ONNX Runtime loads the model and the config
/// matches its inputs and outputs, and the instance kind is one the chosen VM has. A deployment that would only
/// fail after minutes of provisioning fails here, with every problem named.
/// </summary>
public static class TritonRepositoryCheck
{
    public static TritonRepositoryEntry Check(string repositoryRoot, AzureMlDeploymentSpec spec)
    {
        var problems = new List<string>();
        var entry = Read(repositoryRoot, spec.ModelName, problems);
        if (entry is not null && !spec.HasGpu)
        {
            var gpuGroups = entry.Document.Config.InstanceGroup.Where(g => g.Kind == ModelInstanceGroup.Types.Kind.Gpu).ToList();
            if (gpuGroups.Count > 0)
            {
                problems.Add($"config.pbtxt of '{spec.ModelName}' asks for KIND_GPU instances but {spec.InstanceType} has no GPU: " +
                             "pick an N-series size (e.g. Standard_NC6s_v3) or deploy a KIND_CPU config.");
            }
        }

        InvalidDeploymentException.ThrowIfAny(problems);
        return entry!;
    }

    private static TritonRepositoryEntry? Read(string repositoryRoot, string modelName, List<string> problems)
    {
        if (!Directory.Exists(repositoryRoot))
        {
            problems.Add($"Model repository '{repositoryRoot}' does not exist: give the directory that holds <model>/config.pbtxt.");
            return null;
        }

        var entryDirectory = Path.Combine(Path.GetFullPath(repositoryRoot), modelName);
        var configPath = Path.Combine(entryDirectory, ModelConfigFile.FileName);
        if (!File.Exists(configPath))
        {
            var models = ModelRepositoryLayout.Models(repositoryRoot);
            problems.Add($"Model repository '{repositoryRoot}' has no {modelName}/{ModelConfigFile.FileName}, so Triton would not find model '{modelName}'" +
                         (models.Count > 0 ? $"; the repository holds: {string.Join(", ", models)}." : "; it holds no model at all."));
            return null;
        }

        ModelConfigDocument document;
        try
        {
            document = ModelConfigFile.ReadDocument(configPath);
        }
        catch (ModelConfigFormatException e)
        {
            problems.Add($"Triton could not parse {configPath}: {e.Message}");
            return null;
        }

        var config = document.Config;
        if (config.Name.Length > 0 && config.Name != modelName)
        {
            problems.Add($"config.pbtxt names the model '{config.Name}' but sits in directory '{modelName}'; Triton requires them to match.");
        }

        if (!IsOnnxRuntime(config))
        {
            problems.Add($"config.pbtxt of '{modelName}' asks for backend '{config.Backend}' / platform '{config.Platform}'; this bundle serves ONNX models with Triton's onnxruntime backend.");
        }

        var versions = ModelRepositoryLayout.Versions(entryDirectory)
            .Where(v => File.Exists(Path.Combine(entryDirectory, v.ToString(System.Globalization.CultureInfo.InvariantCulture), ModelRepositoryLayout.ModelFileName)))
            .ToList();
        if (versions.Count == 0)
        {
            problems.Add($"'{modelName}' has no <version>/{ModelRepositoryLayout.ModelFileName} beside its config.pbtxt (e.g. {modelName}/1/{ModelRepositoryLayout.ModelFileName}); Triton would load no version.");
            return null;
        }

        var version = versions[^1];
        var modelPath = ModelRepositoryLayout.ModelPath(repositoryRoot, modelName, version);
        OnnxModelInfo model;
        try
        {
            model = OnnxModelInspector.Inspect(modelPath);
        }
        catch (InvalidModelException e)
        {
            problems.Add($"Triton's ONNX Runtime backend could not load {modelPath}: {e.Message}");
            return null;
        }

        foreach (var problem in ModelConfigValidator.Problems(config, model))
        {
            problems.Add($"config.pbtxt of '{modelName}' does not fit its model: {problem}.");
        }

        return new TritonRepositoryEntry(modelName, configPath, document, modelPath, version, model);
    }

    private static bool IsOnnxRuntime(ModelConfig config) =>
        (config.Backend.Length == 0 || config.Backend == DefaultModelConfig.Backend)
        && (config.Platform.Length == 0 || config.Platform == DefaultModelConfig.Platform)
        && (config.Backend.Length > 0 || config.Platform.Length > 0);
}
