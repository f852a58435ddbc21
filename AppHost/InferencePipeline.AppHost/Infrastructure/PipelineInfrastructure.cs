namespace InferencePipeline.AppHost.Infrastructure;

/// <summary>
/// The broker and the state store as the services see them: the same connection-string names
/// (<c>rabbitmq</c>, <c>redis</c>) whichever way they are provided, plus the resources to wait for.
/// </summary>
public sealed record PipelineInfrastructure(
    IResourceBuilder<IResourceWithConnectionString> RabbitMq,
    IResourceBuilder<IResource> RabbitMqReady,
    IResourceBuilder<IResourceWithConnectionString> Redis,
    IResourceBuilder<IResource> RedisReady);
