using InferencePipeline.Orchestrator.Persistence;

namespace InferencePipeline.Orchestrator;

/// <summary>Reads the saga state straight from Redis: any orchestrator instance (or none running) can answer.</summary>
public sealed class RedisPipelineStatusReader(RedisSagaStore<PipelineState> store) : IPipelineStatusReader
{
    public async Task<PipelineStatus?> GetAsync(Guid pipelineId, CancellationToken cancellationToken = default)
    {
        var state = await store.LoadAsync(pipelineId).WaitAsync(cancellationToken);
        return state is null ? null : PipelineStatus.From(state);
    }

    public async Task<IReadOnlyList<PipelineStatus>> ListRecentAsync(int count, CancellationToken cancellationToken = default)
    {
        var states = await store.ListRecentAsync(count).WaitAsync(cancellationToken);
        return states.Select(PipelineStatus.From).ToList();
    }
}
