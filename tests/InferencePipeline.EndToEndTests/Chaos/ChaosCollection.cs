namespace InferencePipeline.EndToEndTests.Chaos;

/// <summary>
/// The chaos tests share one cluster of service processes and run alone: they kill brokers and hosts, and load the
/// machine with a dozen processes, which other collections running beside them would feel as failures of their own.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ChaosCollection : ICollectionFixture<ServiceCluster>
{
    public const string Name = "chaos";
}
