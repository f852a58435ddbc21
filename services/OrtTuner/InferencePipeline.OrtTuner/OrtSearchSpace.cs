using InferencePipeline.Contracts;
using InferencePipeline.ModelRepository;
using InferencePipeline.Onnx;

namespace InferencePipeline.OrtTuner;

/// <summary>
/// The fp32 session settings the tuner tries, ONNX Runtime's defaults first (the baseline every other trial is compared
/// with), in rounds that each start from the best so far, one knob at a time:
/// <list type="number">
/// <item><see cref="Levels"/>: CUDA and TensorRT once each at their defaults, when they really work here and are allowed,
///   and every other graph optimization level (0, 1, 2; 99 is the default) at default threads;</item>
/// <item><see cref="Threads"/> (CPU): intra-op threads 1 and one per core at the best level (0, ORT's default, is one per
///   physical core);</item>
/// <item><see cref="ExecutionModes"/> (CPU, more than one core): parallel execution with one inter-op thread per core.
///   Inter-op threads only work in parallel mode, so sequential mode is not tried with more of them.</item>
/// </list>
/// On two cores that is 7 trials where the full grid has 24: the knobs interact little on a CPU (a graph is fused the
/// same at any thread count), and each trial of a real model costs seconds. <see cref="Grid"/> is the full product, for
/// <see cref="OrtTunerOptions.Exhaustive"/>. Precision (int8, fp16) is tried afterwards on the best settings found.
/// </summary>
public static class OrtSearchSpace
{
    public static readonly int[] GraphOptimizationLevels = [0, 1, 2, 99];

    /// <summary>Round one: the default, the other graph levels, and the GPU providers at their defaults.</summary>
    public static IReadOnlyList<OrtSettings> Levels(ExecutionProviderReport providers, IReadOnlySet<string>? allowed = null)
    {
        // The GPU providers right after the baseline: where they work they are the biggest lever, and MaxTrials must not cut them.
        var candidates = new List<OrtSettings> { OrtSettings.Default };
        candidates.AddRange(GpuDefaults(providers, allowed));
        if (Allows(allowed, OrtExecutionProviderNames.Cpu))
        {
            candidates.AddRange(GraphOptimizationLevels.Where(l => l != 99).Select(l => OrtSettings.Default with { GraphOptimizationLevel = l }));
        }

        return candidates;
    }

    /// <summary>Round two, on CPU: intra-op threads 1 and one per core, at <paramref name="best"/>'s level.</summary>
    public static IReadOnlyList<OrtSettings> Threads(OrtSettings best, int processorCount) =>
        IsCpu(best)
            ? new[] { 1, processorCount }.Where(t => t > 0 && t != best.IntraOpThreads).Distinct()
                .Select(t => best with { IntraOpThreads = t }).ToList()
            : [];

    /// <summary>Round three, on a CPU with more than one core: parallel mode with one inter-op thread per core.</summary>
    public static IReadOnlyList<OrtSettings> ExecutionModes(OrtSettings best, int processorCount) =>
        IsCpu(best) && processorCount > 1 && !best.IsParallel
            ? [best with { InterOpThreads = processorCount, ExecutionMode = OrtSettings.Parallel }]
            : [];

    /// <summary>Every CPU combination (level × intra-op threads 0, 1, per core × sequential or parallel), after the default and the GPU providers.</summary>
    public static IReadOnlyList<OrtSettings> Grid(ExecutionProviderReport providers, int processorCount, IReadOnlySet<string>? allowed = null)
    {
        var candidates = new List<OrtSettings> { OrtSettings.Default };
        candidates.AddRange(GpuDefaults(providers, allowed));
        if (Allows(allowed, OrtExecutionProviderNames.Cpu))
        {
            var modes = processorCount > 1
                ? new[] { (Inter: 0, Mode: OrtSettings.Sequential), (Inter: processorCount, Mode: OrtSettings.Parallel) }
                : [(0, OrtSettings.Sequential)];
            foreach (var (inter, mode) in modes)
            {
                foreach (int threads in new[] { 0, 1, processorCount }.Distinct())
                {
                    foreach (int level in GraphOptimizationLevels)
                    {
                        candidates.Add(new OrtSettings(GraphOptimizationLevel: level, IntraOpThreads: threads, InterOpThreads: inter, ExecutionMode: mode));
                    }
                }
            }
        }

        return candidates.Distinct().ToList();
    }

    /// <summary>Whether <paramref name="provider"/> may be used: no list means every provider that works.</summary>
    public static bool Allows(IReadOnlySet<string>? allowed, string provider) =>
        allowed is null || allowed.Count == 0 || allowed.Contains(OrtExecutionProviderNames.Normalize(provider));

    private static IEnumerable<OrtSettings> GpuDefaults(ExecutionProviderReport providers, IReadOnlySet<string>? allowed)
    {
        if (providers.Cuda && Allows(allowed, OrtExecutionProviderNames.Cuda))
        {
            yield return OrtSettings.Default with { ExecutionProvider = OrtExecutionProviderNames.Cuda };
        }

        if (providers.TensorRt && Allows(allowed, OrtExecutionProviderNames.TensorRt))
        {
            yield return OrtSettings.Default with { ExecutionProvider = OrtExecutionProviderNames.TensorRt };
        }
    }

    private static bool IsCpu(OrtSettings settings) => OrtExecutionProviderNames.Normalize(settings.ExecutionProvider) == OrtExecutionProviderNames.Cpu;
}
