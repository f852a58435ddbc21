using InferencePipeline.ModelAnalyzer.Config;
using InferencePipeline.ModelRepository;

namespace InferencePipeline.ModelAnalyzer.Profiling;

/// <summary>
/// A model of <c>model_repository</c> as a profile starts from it: its config.pbtxt, the model file it serves and a
/// digest of that file (what its configs' identities and the checkpoint's fingerprint rest on).
/// </summary>
public sealed record RepositoryModel(string Name, ModelConfigDocument Document, string ModelPath, string ModelDigest)
{
    /// <summary>Finds <paramref name="name"/> in <paramref name="repository"/>; a missing or unusable entry is an error naming the model and the repository.</summary>
    public static RepositoryModel Find(string repository, string name, string source)
    {
        var key = $"profile_models.{name}";
        if (!Directory.Exists(repository))
        {
            throw new ModelAnalyzerConfigException(source, "model_repository", 0, $"the model repository {repository} does not exist.");
        }

        var entry = Path.Combine(repository, name);
        if (!Directory.Exists(entry))
        {
            var present = ModelRepositoryLayout.Models(repository);
            throw new ModelAnalyzerConfigException(source, key, 0,
                $"model '{name}' is not in the model repository {repository} " +
                $"({(present.Count == 0 ? "it holds no model" : "it holds " + string.Join(", ", present))}); fix the name or the repository path.");
        }

        var configPath = Path.Combine(entry, ModelConfigFile.FileName);
        if (!File.Exists(configPath))
        {
            throw new ModelAnalyzerConfigException(source, key, 0,
                $"model '{name}' has no {ModelConfigFile.FileName} in {entry}; write one (inferpipe demo and convert write it) so its configs can be derived from it.");
        }

        ModelConfigDocument document;
        try
        {
            document = ModelConfigFile.ReadDocument(configPath);
        }
        catch (FormatException e)
        {
            throw new ModelAnalyzerConfigException(source, key, 0, $"model '{name}''s {configPath} cannot be read: {e.Message}", e);
        }

        string model;
        try
        {
            model = ModelRepositoryLayout.ServedModelPath(configPath, "put the model at <version>/model.onnx beside its config.pbtxt.");
        }
        catch (FileNotFoundException e)
        {
            throw new ModelAnalyzerConfigException(source, key, 0, e.Message, e);
        }

        var named = document.Config.Clone();
        named.Name = name;
        return new RepositoryModel(name, document.WithConfig(named), model, Search.PlannedServingConfig.DigestOf(model));
    }
}
