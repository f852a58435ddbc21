using MassTransit;
using MassTransit.Middleware;
using MassTransit.Saga;

namespace InferencePipeline.Orchestrator.Persistence;

/// <summary>Loads an instance outside message consumption (<see cref="ILoadSagaRepository{TSaga}"/>).</summary>
public sealed class RedisLoadSagaRepositoryContext<TSaga>(RedisSagaStore<TSaga> store, CancellationToken cancellationToken)
    : BasePipeContext(cancellationToken), LoadSagaRepositoryContext<TSaga>
    where TSaga : class, ISagaVersion
{
    public async Task<TSaga> Load(Guid correlationId) => (await store.LoadAsync(correlationId).ConfigureAwait(false))!;
}
