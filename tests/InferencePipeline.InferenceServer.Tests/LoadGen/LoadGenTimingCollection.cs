namespace InferencePipeline.InferenceServer.Tests.LoadGen;

/// <summary>
/// Test classes that measure wall-clock latency or burn CPU with load run one after another: a no-op
/// target's hot workers on a 2-core machine would otherwise add tens of milliseconds to another test's
/// measured p99. They also run alone, after the parallel collections: the allocation test counts the whole
/// process's bytes and the rate tests need the cores, so the server tests' traffic beside them fails them.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class LoadGenTimingCollection
{
    public const string Name = "LoadGen timing";
}
