namespace InferencePipeline.Orchestrator.Api;

/// <summary>A dependency of the API (Redis, RabbitMQ) did not answer in time; the client should come back later.</summary>
public sealed class DependencyUnavailableException(string dependency, Exception? innerException = null)
    : Exception($"{dependency} is unavailable.", innerException)
{
    public string Dependency { get; } = dependency;
}
