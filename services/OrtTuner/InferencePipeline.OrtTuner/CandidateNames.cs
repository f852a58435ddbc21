using InferencePipeline.Contracts;
using InferencePipeline.ModelRepository;

namespace InferencePipeline.OrtTuner;

/// <summary>
/// Short names for candidates, the CSV's first column: <c>default</c> for ONNX Runtime's defaults, otherwise what
/// differs from them, e.g. <c>opt2</c>, <c>opt2-intra1</c>, <c>inter2-parallel</c>, <c>int8</c>, <c>tensorrt-fp16</c>.
/// </summary>
public static class CandidateNames
{
    public const string Default = "default";

    public static string For(OrtSettings settings)
    {
        var parts = new List<string>();
        string provider = OrtExecutionProviderNames.Normalize(settings.ExecutionProvider);
        if (provider != OrtExecutionProviderNames.Cpu)
        {
            parts.Add(provider.ToLowerInvariant());
        }

        string precision = OrtConfigParameters.NormalizePrecision(settings.Precision);
        if (precision != "fp32")
        {
            parts.Add(precision);
        }

        if (settings.GraphOptimizationLevel != 99)
        {
            parts.Add($"opt{settings.GraphOptimizationLevel}");
        }

        if (settings.IntraOpThreads != 0)
        {
            parts.Add($"intra{settings.IntraOpThreads}");
        }

        if (settings.InterOpThreads != 0)
        {
            parts.Add($"inter{settings.InterOpThreads}");
        }

        if (settings.IsParallel)
        {
            parts.Add("parallel");
        }

        return parts.Count == 0 ? Default : string.Join('-', parts);
    }
}
