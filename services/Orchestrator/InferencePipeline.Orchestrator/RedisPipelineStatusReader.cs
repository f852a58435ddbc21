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

    public async Task<SagaPage<PipelineStatus>> ListAsync(int count, SagaIndexPosition? after = null, CancellationToken cancellationToken = default)
    {
        var page = await store.ListPageAsync(count, after).WaitAsync(cancellationToken);
        return new SagaPage<PipelineStatus>(page.Items.Select(PipelineStatus.From).ToList(), page.Next);
    }
}
