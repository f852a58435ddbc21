using System.Security.Cryptography;
using System.Text;
using InferencePipeline.ModelAnalyzer.Config;
using InferencePipeline.ModelAnalyzer.Measuring;
using InferencePipeline.ModelAnalyzer.Search;

namespace InferencePipeline.Cli.Profiling;

/// <summary>
/// What must stay the same for a model's checkpointed measurements to be reused: the model file's content, how
/// loads are measured (windows, stability, data, shapes) and the server measured on. Another value means another
/// run, whose checkpoint is refused instead of mixed in.
/// </summary>
public static class RunFingerprint
{
    public static string Of(string modelPath, MeasurementSettings settings, ModelAnalyzerConfig config)
    {
        var modelHash = PlannedServingConfig.DigestOf(modelPath);
        var o = settings.LoadGen;
        var shapes = settings.Shapes is null ? "" : string.Join(";", settings.Shapes.OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => $"{s.Key}:{string.Join(',', s.Value)}"));
        var server = config.LaunchMode == TritonLaunchMode.Local ? "local" : $"{config.LaunchMode}:{config.GrpcEndpoint}";
        var text = $"{modelHash}|{o.WindowMs}|{o.StabilityPercentage}|{o.MaxTrials}|{o.StabilityMetric}|{settings.InputData}|{settings.InputDataFile}|{shapes}|{server}";
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text)), 0, 16).ToLowerInvariant();
    }
}
