namespace InferencePipeline.Orchestrator.Persistence;

/// <summary>One page of the recent-instances index, newest first, and where the next page starts (null: no more).</summary>
public sealed record SagaPage<TSaga>(IReadOnlyList<TSaga> Items, SagaIndexPosition? Next);
