using InferencePipeline.Orchestrator.Persistence;
using MassTransit;
using MassTransit.Saga;

namespace InferencePipeline.Orchestrator;

/// <summary>
/// Reads MassTransit's in-memory saga repository (demo mode, one process). The instances are the live
/// objects the saga mutates, so a status can mix two updates; good enough for watching a demo. Pages in the
/// Redis index's order (creation time, then id, both descending).
/// </summary>
public sealed class InMemoryPipelineStatusReader(ILoadSagaRepository<PipelineState> load, IQuerySagaRepository<PipelineState> query)
    : IPipelineStatusReader
{
    public async Task<PipelineStatus?> GetAsync(Guid pipelineId, CancellationToken cancellationToken = default)
    {
        var state = await load.Load(pipelineId).WaitAsync(cancellationToken);
        return state is null ? null : PipelineStatus.From(state);
    }

    public async Task<SagaPage<PipelineStatus>> ListAsync(int count, SagaIndexPosition? after = null, CancellationToken cancellationToken = default)
    {
        var ids = await query.Find(new SagaQuery<PipelineState>(_ => true)).WaitAsync(cancellationToken);
        var statuses = new List<(long Score, string Member, PipelineStatus Status)>();
        foreach (var id in ids)
        {
            var state = await load.Load(id).WaitAsync(cancellationToken);
            if (state is not null)
                statuses.Add((state.CreatedAt.ToUnixTimeMilliseconds(), id.ToString("D"), PipelineStatus.From(state)));
        }

        var ordered = statuses
            .Where(s => after is null || after.Precedes(s.Score, s.Member))
            .OrderByDescending(s => s.Score)
            .ThenByDescending(s => s.Member, StringComparer.Ordinal)
            .Take(count + 1)
            .ToList();
        var page = ordered.Take(count).ToList();
        var next = ordered.Count > count ? new SagaIndexPosition(page[^1].Score, page[^1].Status.PipelineId) : null;
        return new SagaPage<PipelineStatus>(page.Select(s => s.Status).ToList(), next);
    }
}
