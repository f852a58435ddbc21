namespace InferencePipeline.AppHost.Infrastructure;

/// <summary>
/// How the AppHost gets RabbitMQ and Redis (config key <c>Infrastructure:Mode</c>):
/// containers when a Docker daemon answers, else the apt-installed servers run as executables, or
/// servers that already exist (connection strings <c>rabbitmq</c> and <c>redis</c> in configuration).
/// </summary>
public enum InfrastructureMode
{
    Auto,
    Containers,
    Executables,
    Existing,
}
