using MassTransit;
using MassTransit.Saga;

namespace InferencePipeline.Orchestrator.Persistence;

/// <summary>
/// MassTransit 8's extension point for a saga repository: hands each consumed message a repository context
/// over <see cref="RedisSagaStore{TSaga}"/>. Concurrency is optimistic, so nothing is locked here.
/// </summary>
public sealed class RedisSagaRepositoryContextFactory<TSaga>(
    RedisSagaStore<TSaga> store,
    ISagaConsumeContextFactory<RedisSagaStore<TSaga>, TSaga> consumeContextFactory)
    : ISagaRepositoryContextFactory<TSaga>, ILoadSagaRepositoryContextFactory<TSaga>
    where TSaga : class, ISagaVersion
{
    public void Probe(ProbeContext context) => context.Add("persistence", "redis");

    public Task Send<T>(ConsumeContext<T> context, IPipe<SagaRepositoryContext<TSaga, T>> next) where T : class =>
        next.Send(new RedisSagaRepositoryContext<TSaga, T>(store, context, consumeContextFactory));

    public Task SendQuery<T>(ConsumeContext<T> context, ISagaQuery<TSaga> query, IPipe<SagaRepositoryQueryContext<TSaga, T>> next)
        where T : class =>
        throw new NotSupportedException(
            $"The Redis saga repository finds {typeof(TSaga).Name} by id only; correlate events with CorrelateById.");

    public Task<T> Execute<T>(Func<LoadSagaRepositoryContext<TSaga>, Task<T>> asyncMethod, CancellationToken cancellationToken = default)
        where T : class =>
        asyncMethod(new RedisLoadSagaRepositoryContext<TSaga>(store, cancellationToken));
}
