namespace InferencePipeline.AppHost.Infrastructure;

/// <summary>Which server answers KServe v2 for the profiler and the deployer.</summary>
public enum InferenceServerKind
{
    /// <summary>Our server over ONNX Runtime, as a project: runs anywhere, CPU.</summary>
    Embedded,

    /// <summary>NVIDIA's Triton Inference Server container on an NVIDIA GPU, the seed's server.</summary>
    Triton,
}

/// <summary>
/// The choice of server (config key <c>InferenceServer:Kind</c>: auto, triton, embedded). Auto runs Triton where
/// it can run (a Docker daemon and an NVIDIA GPU on this machine) and the embedded server elsewhere; a published
/// app has no machine to look at, so auto publishes the embedded server, which runs on any Container Apps
/// profile, and triton publishes Triton on a GPU workload profile.
/// </summary>
public static class InferenceServerChoice
{
    public const string ConfigKey = "InferenceServer:Kind";

    public static InferenceServerKind Decide(string? configured, bool publishing, Func<bool> dockerAvailable, Func<bool> gpuPresent) =>
        (configured ?? "auto").Trim().ToLowerInvariant() switch
        {
            "triton" => InferenceServerKind.Triton,
            "embedded" => InferenceServerKind.Embedded,
            "auto" or "" => !publishing && dockerAvailable() && gpuPresent() ? InferenceServerKind.Triton : InferenceServerKind.Embedded,
            _ => throw new InvalidOperationException($"{ConfigKey} is '{configured}'; use auto, triton or embedded."),
        };
}
