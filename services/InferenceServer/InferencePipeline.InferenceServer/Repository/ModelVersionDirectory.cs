using System.Globalization;
using Grpc.Core;
using Inference;

namespace InferencePipeline.InferenceServer.Repository;

/// <summary>
/// Picks the numbered version directories of a model that its <c>version_policy</c> serves, as Triton does:
/// <c>latest { num_versions: N }</c> (the default, with N = 1) takes the N highest, <c>all {}</c> every one,
/// <c>specific { versions: [...] }</c> the listed ones. A version directory without the model file is not a
/// candidate, so a version still being copied into the repository is not served half-written.
/// </summary>
internal static class ModelVersionDirectory
{
    public const string DefaultModelFileName = "model.onnx";

    /// <summary>The versions to serve, highest first; <paramref name="warn"/> hears of listed versions that are missing.</summary>
    public static IReadOnlyList<(long Version, string ModelPath)> Select(string modelDirectory, string modelName, ModelConfig config,
        Action<string> warn)
    {
        var fileName = string.IsNullOrEmpty(config.DefaultModelFilename) ? DefaultModelFileName : config.DefaultModelFilename;
        var present = Directory.Exists(modelDirectory)
            ? Directory.EnumerateDirectories(modelDirectory)
                .Select(d => (Ok: long.TryParse(Path.GetFileName(d), NumberStyles.None, CultureInfo.InvariantCulture, out var v), Version: v,
                    ModelPath: Path.Combine(d, fileName)))
                .Where(d => d.Ok && d.Version > 0 && File.Exists(d.ModelPath))
                .Select(d => (d.Version, d.ModelPath))
                .OrderByDescending(d => d.Version)
                .ToList()
            : [];

        var policy = config.VersionPolicy;
        List<(long Version, string ModelPath)> selected;
        string described;
        switch (policy?.PolicyChoiceCase ?? ModelVersionPolicy.PolicyChoiceOneofCase.None)
        {
            case ModelVersionPolicy.PolicyChoiceOneofCase.All:
                selected = present;
                described = "all";
                break;
            case ModelVersionPolicy.PolicyChoiceOneofCase.Specific:
                var wanted = policy!.Specific.Versions.ToHashSet();
                selected = present.Where(v => wanted.Contains(v.Version)).ToList();
                foreach (var missing in wanted.Except(selected.Select(v => v.Version)).Order())
                {
                    // Triton logs a listed-but-absent version and serves the others.
                    warn($"version {missing} is specified for model '{modelName}', but no version directory '{missing}' holds {fileName}");
                }
                described = $"specific [{string.Join(", ", policy.Specific.Versions)}]";
                break;
            case ModelVersionPolicy.PolicyChoiceOneofCase.Latest:
                var count = policy!.Latest.NumVersions;
                if (count < 1)
                {
                    throw InferenceException.Invalid(
                        $"failed to load '{modelName}': version_policy latest num_versions must be at least 1, got {count}");
                }
                selected = present.Take((int)Math.Min(count, int.MaxValue)).ToList();
                described = $"latest {count}";
                break;
            default:
                selected = present.Take(1).ToList();
                described = "latest 1";
                break;
        }

        if (selected.Count == 0)
        {
            throw new InferenceException(StatusCode.InvalidArgument,
                $"failed to load '{modelName}': at least one version must be available under the version policy ({described}); " +
                $"no version directory under '{modelDirectory}' that the policy selects holds {fileName}");
        }
        return selected;
    }
}
