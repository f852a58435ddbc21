using MassTransit;
using MassTransit.Saga;

namespace InferencePipeline.Orchestrator;

/// <summary>
/// Reads MassTransit's in-memory saga repository (demo mode, one process). The instances are the live
/// objects the saga mutates, so a status can mix two updates; good enough for watching a demo.
/// </summary>
public sealed class InMemoryPipelineStatusReader(ILoadSagaRepository<PipelineState> load, IQuerySagaRepository<PipelineState> query)
    : IPipelineStatusReader
{
    public async Task<PipelineStatus?> GetAsync(Guid pipelineId, CancellationToken cancellationToken = default)
    {
        var state = await load.Load(pipelineId).WaitAsync(cancellationToken);
        return state is null ? null : PipelineStatus.From(state);
    }

    public async Task<IReadOnlyList<PipelineStatus>> ListRecentAsync(int count, CancellationToken cancellationToken = default)
    {
        var ids = await query.Find(new SagaQuery<PipelineState>(_ => true)).WaitAsync(cancellationToken);
        var statuses = new List<PipelineStatus>();
        foreach (var id in ids)
        {
            var state = await load.Load(id).WaitAsync(cancellationToken);
            if (state is not null)
                statuses.Add(PipelineStatus.From(state));
        }
        return statuses.OrderByDescending(s => s.CreatedAt).Take(count).ToList();
    }
}
