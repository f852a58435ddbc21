namespace InferencePipeline.Testing;

/// <summary>
/// Test traits. <see cref="Timing"/> marks tests that assert real throughput or latency bounds (load generator
/// rates, p99 budgets, model latency): they measure the machine as much as the code, so their bounds are
/// generous and they run alone in their collections. The full run (scripts/test.sh, CI) includes them;
/// <c>dotnet test --filter "Category!=Timing"</c> leaves them out for a quick run on a busy machine.
/// </summary>
public static class TestCategory
{
    public const string Name = "Category";
    public const string Timing = "Timing";

    /// <summary>
    /// Tests that run every service as its own OS process and kill processes (a stage host, RabbitMQ, Redis) mid-pipeline,
    /// or start many pipelines at once. Slow (minutes) and heavy; they run alone, after the other collections.
    /// </summary>
    public const string Chaos = "Chaos";
}
