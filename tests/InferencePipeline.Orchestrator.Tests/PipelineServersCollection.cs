using InferencePipeline.Testing;

namespace InferencePipeline.Orchestrator.Tests;

/// <summary>One RabbitMQ and one Redis for every test class in this assembly that needs them.</summary>
[CollectionDefinition(PipelineServers.Collection)]
public sealed class PipelineServersCollection : ICollectionFixture<PipelineServers>;
