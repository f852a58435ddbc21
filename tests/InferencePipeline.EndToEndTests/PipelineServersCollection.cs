using InferencePipeline.Testing;

namespace InferencePipeline.EndToEndTests;

[CollectionDefinition(PipelineServers.Collection)]
public sealed class PipelineServersCollection : ICollectionFixture<PipelineServers>;
