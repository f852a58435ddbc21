namespace InferencePipeline.InferenceServer.Tests.LoadGen;

/// <summary>
/// Test classes that measure wall-clock latency or burn CPU with load run one after another: a no-op
/// target's hot workers on a 2-core machine would otherwise add tens of milliseconds to another test's
/// measured p99. The collection also runs alone, after the parallel ones: its allocation tests read the
/// process-wide allocation counter, which a server test running beside them would inflate.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class LoadGenTimingCollection
{
    public const string Name = "LoadGen timing";
}
