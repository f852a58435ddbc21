using InferencePipeline.ModelAnalyzer.Config;
using InferencePipeline.ModelAnalyzer.Search;
using InferencePipeline.ModelRepository;

namespace InferencePipeline.ModelAnalyzer.Profiling;

/// <summary>
/// <c>output_model_repository_path</c>: where each measured config is written as a servable entry
/// (<c>&lt;config name&gt;/config.pbtxt</c> and <c>1/model.onnx</c> linked to the model), which the local server serves and
/// <c>Optimal_ConfigFile_Location.txt</c> points into. A folder that already holds files is refused unless
/// <c>override_output_model_repository</c> is set (then it is emptied first) or the run resumes a checkpoint.
/// </summary>
public sealed class OutputModelRepository
{
    private readonly HashSet<string> _written = new(StringComparer.Ordinal);

    private OutputModelRepository(string path) => Path = path;

    public string Path { get; }

    public static OutputModelRepository Prepare(ModelAnalyzerConfig config, bool resuming)
    {
        var path = config.OutputModelRepositoryPath
            ?? throw new ModelAnalyzerConfigException(config.Source, "output_model_repository_path", 0,
                "profile needs output_model_repository_path: the folder the measured configs are written to.");
        if (config.ModelRepository is { } repository && SameOrInside(path, repository))
        {
            throw new ModelAnalyzerConfigException(config.Source, "output_model_repository_path", 0,
                $"{path} is the model repository or inside it; the configs go to a folder of their own.");
        }

        if (Directory.Exists(path) && Directory.EnumerateFileSystemEntries(path).Any())
        {
            if (config.OverrideOutputModelRepository && !resuming)
            {
                foreach (var entry in Directory.EnumerateFileSystemEntries(path))
                {
                    if (Directory.Exists(entry) && new DirectoryInfo(entry).LinkTarget is null)
                    {
                        Directory.Delete(entry, recursive: true);
                    }
                    else
                    {
                        File.Delete(entry);
                    }
                }
            }
            else if (!config.OverrideOutputModelRepository && !resuming)
            {
                throw new ModelAnalyzerConfigException(config.Source, "output_model_repository_path", 0,
                    $"{path} already holds files; set override_output_model_repository: true to replace them, or choose another folder.");
            }
        }

        Directory.CreateDirectory(path);
        return new OutputModelRepository(path);
    }

    public string ConfigDirectory(string configName) => ModelRepositoryLayout.EntryDirectory(Path, configName);

    /// <summary>Writes <paramref name="config"/>'s entry (once per run).</summary>
    public async Task WriteAsync(PlannedServingConfig config, CancellationToken cancellationToken)
    {
        if (!_written.Add(config.Name))
        {
            return;
        }

        await ModelConfigFile.WriteAsync(System.IO.Path.Combine(ConfigDirectory(config.Name), ModelConfigFile.FileName), config.Document, cancellationToken);
        ModelRepositoryLayout.LinkModel(config.ModelPath, ModelRepositoryLayout.ModelPath(Path, config.Name));
    }

    private static bool SameOrInside(string path, string folder)
    {
        var relative = System.IO.Path.GetRelativePath(System.IO.Path.GetFullPath(folder), System.IO.Path.GetFullPath(path));
        return relative == "." || (!relative.StartsWith("..", StringComparison.Ordinal) && !System.IO.Path.IsPathRooted(relative));
    }
}
