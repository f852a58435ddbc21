using Inference;

namespace InferencePipeline.ModelAnalyzer.Search;

/// <summary>
/// KIND_GPU asked for on a host without a GPU: the instances run as KIND_CPU instead (what the server would do
/// anyway, but then the reports would claim GPU instances), and the user is told once, not once per config.
/// </summary>
public sealed class GpuFallback(bool gpuAvailable, Action<string> warn)
{
    private int _warned;

    public bool GpuAvailable => gpuAvailable;

    /// <summary><paramref name="config"/> with its GPU instance groups made CPU ones when there is no GPU; changed in place.</summary>
    public ModelConfig Apply(ModelConfig config, string modelName)
    {
        if (gpuAvailable || config.InstanceGroup.All(g => g.Kind != ModelInstanceGroup.Types.Kind.Gpu))
        {
            return config;
        }

        foreach (var group in config.InstanceGroup.Where(g => g.Kind == ModelInstanceGroup.Types.Kind.Gpu))
        {
            group.Kind = ModelInstanceGroup.Types.Kind.Cpu;
            group.Gpus.Clear();
        }

        if (Interlocked.Exchange(ref _warned, 1) == 0)
        {
            warn($"KIND_GPU was asked for ({modelName} and maybe others) but this host has no GPU: those instances are measured as KIND_CPU, and the reports say CPU.");
        }

        return config;
    }
}
