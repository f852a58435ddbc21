using InferencePipeline.Contracts;
using InferencePipeline.ModelRepository;
using InferencePipeline.Onnx;

namespace InferencePipeline.OrtTuner;

/// <summary>
/// The settings the tuner tries, ORT's defaults first (the baseline every other trial is compared with):
/// on CPU every graph optimization level (0, 1, 2, 99) × intra-op threads (0 = ORT's default, 1, one per
/// core); CUDA and TensorRT once each at ORT's defaults, and only when they really work here.
/// fp32 only: fp16 with ORT_ENABLE_ALL crashes the process on CPU (docs/platform-facts.md), and precision changes belong
/// in a child process.
/// </summary>
public static class OrtSearchSpace
{
    public static readonly int[] GraphOptimizationLevels = [0, 1, 2, 99];

    public static IReadOnlyList<OrtSettings> Candidates(ExecutionProviderReport providers, int processorCount)
    {
        var candidates = new List<OrtSettings> { OrtSettings.Default };
        var threadCounts = new[] { 0, 1, processorCount }.Where(t => t >= 0).Distinct();
        foreach (var threads in threadCounts)
        {
            foreach (var level in GraphOptimizationLevels)
            {
                candidates.Add(OrtSettings.Default with { GraphOptimizationLevel = level, IntraOpThreads = threads });
            }
        }

        if (providers.Cuda)
        {
            candidates.Add(OrtSettings.Default with { ExecutionProvider = OrtExecutionProviderNames.Cuda });
        }

        if (providers.TensorRt)
        {
            candidates.Add(OrtSettings.Default with { ExecutionProvider = OrtExecutionProviderNames.TensorRt });
        }

        return candidates.Distinct().ToList();
    }
}
