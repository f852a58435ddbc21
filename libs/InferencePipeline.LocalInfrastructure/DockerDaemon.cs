namespace InferencePipeline.LocalInfrastructure;

/// <summary>
/// Whether a Docker daemon is there to run containers. The docker CLI alone proves nothing: it is installed
/// on machines with no daemon behind it, where containers would never start. So look for what a client
/// connects to: an explicit DOCKER_HOST, or the daemon's socket.
/// </summary>
public static class DockerDaemon
{
    public const string SocketPath = "/var/run/docker.sock";

    public static bool IsAvailable() =>
        !string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable("DOCKER_HOST")) || File.Exists(SocketPath);
}
