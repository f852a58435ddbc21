using Grpc.Core;
using Inference;

namespace InferencePipeline.InferenceServer.Repository;

/// <summary>Finds which numbered version directory of a model to serve, as Triton's default version policy does.</summary>
internal static class ModelVersionDirectory
{
    public const string DefaultModelFileName = "model.onnx";

    /// <summary>The highest version (or the highest of the "specific" policy) that holds the model file.</summary>
    public static (string Version, string ModelPath) Find(string modelDirectory, string modelName, ModelConfig config)
    {
        var fileName = string.IsNullOrEmpty(config.DefaultModelFilename) ? DefaultModelFileName : config.DefaultModelFilename;
        var allowed = config.VersionPolicy?.Specific?.Versions.ToHashSet();
        var best = Directory.Exists(modelDirectory)
            ? Directory.EnumerateDirectories(modelDirectory)
                .Select(d => (Dir: d, Ok: long.TryParse(Path.GetFileName(d), out var v), Version: v))
                .Where(d => d.Ok && d.Version >= 0 && (allowed is null || allowed.Count == 0 || allowed.Contains(d.Version)))
                .Where(d => File.Exists(Path.Combine(d.Dir, fileName)))
                .OrderByDescending(d => d.Version)
                .FirstOrDefault()
            : default;
        if (best.Dir is null)
        {
            throw new InferenceException(StatusCode.InvalidArgument,
                $"failed to load '{modelName}': no version directory under '{modelDirectory}' holds {fileName}");
        }
        return (best.Version.ToString(System.Globalization.CultureInfo.InvariantCulture), Path.Combine(best.Dir, fileName));
    }
}
