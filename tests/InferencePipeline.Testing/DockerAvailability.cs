namespace InferencePipeline.Testing;

/// <summary>
/// Whether a Docker daemon is reachable. The docker CLI may be installed with no daemon behind it
/// (FACTS.md), so look for the daemon's socket or an explicit DOCKER_HOST instead of the CLI.
/// </summary>
public static class DockerAvailability
{
    public static bool IsAvailable { get; } =
        !string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable("DOCKER_HOST")) || File.Exists("/var/run/docker.sock");
}
