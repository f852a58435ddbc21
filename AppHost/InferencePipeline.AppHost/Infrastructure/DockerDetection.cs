namespace InferencePipeline.AppHost.Infrastructure;

/// <summary>
/// Whether a Docker daemon is there. The docker CLI alone proves nothing (it is installed on machines
/// without a daemon, where containers would stay unhealthy forever), so look for the daemon's socket.
/// </summary>
public static class DockerDetection
{
    public static bool DaemonAvailable() =>
        !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("DOCKER_HOST")) || File.Exists("/var/run/docker.sock");

    /// <summary>An NVIDIA GPU the Triton container could use.</summary>
    public static bool NvidiaGpuAvailable() => File.Exists("/dev/nvidia0") || File.Exists("/dev/nvidiactl");
}
