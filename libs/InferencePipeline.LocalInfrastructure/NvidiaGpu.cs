namespace InferencePipeline.LocalInfrastructure;

/// <summary>Whether an NVIDIA GPU is there for a container to use: its driver's device files exist.</summary>
public static class NvidiaGpu
{
    public static bool IsPresent() => File.Exists("/dev/nvidia0") || File.Exists("/dev/nvidiactl");
}
