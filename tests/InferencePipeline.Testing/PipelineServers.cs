namespace InferencePipeline.Testing;

/// <summary>
/// One RabbitMQ and one Redis for a whole test assembly, started side by side. xunit wants the collection
/// definition inside the test assembly itself, so each test project adds:
/// <code>[CollectionDefinition(PipelineServers.Collection)] public sealed class PipelineServersCollection : ICollectionFixture&lt;PipelineServers&gt;;</code>
/// and marks its classes <c>[Collection(PipelineServers.Collection)]</c>.
/// </summary>
public sealed class PipelineServers : IAsyncLifetime
{
    public const string Collection = "pipeline-servers";

    public RabbitMqServer RabbitMq { get; } = new();
    public RedisServer Redis { get; } = new();

    public Task InitializeAsync() => Task.WhenAll(RabbitMq.InitializeAsync(), Redis.InitializeAsync());

    public Task DisposeAsync() => Task.WhenAll(RabbitMq.DisposeAsync(), Redis.DisposeAsync());
}
