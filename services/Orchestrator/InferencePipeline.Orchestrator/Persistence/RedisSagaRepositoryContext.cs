using MassTransit;
using MassTransit.Context;
using MassTransit.Saga;

namespace InferencePipeline.Orchestrator.Persistence;

/// <summary>
/// What the saga pipe asks of the repository while one message is consumed: load by id, create, save.
/// New instances are written only after the first event ran (Save), as an insert that fails if another
/// consumer created the same id first.
/// </summary>
public sealed class RedisSagaRepositoryContext<TSaga, TMessage>(
    RedisSagaStore<TSaga> store,
    ConsumeContext<TMessage> consumeContext,
    ISagaConsumeContextFactory<RedisSagaStore<TSaga>, TSaga> factory)
    : ConsumeContextScope<TMessage>(consumeContext), SagaRepositoryContext<TSaga, TMessage>
    where TSaga : class, ISagaVersion
    where TMessage : class
{
    public Task<SagaConsumeContext<TSaga, TMessage>> Add(TSaga instance) =>
        factory.CreateSagaConsumeContext(store, this, instance, SagaConsumeContextMode.Add);

    public async Task<SagaConsumeContext<TSaga, TMessage>> Insert(TSaga instance)
    {
        if (!await store.TryInsertAsync(instance).ConfigureAwait(false))
            return default!;
        return await factory.CreateSagaConsumeContext(store, this, instance, SagaConsumeContextMode.Insert).ConfigureAwait(false);
    }

    public async Task<SagaConsumeContext<TSaga, TMessage>> Load(Guid correlationId)
    {
        var instance = await store.LoadAsync(correlationId).ConfigureAwait(false);
        if (instance is null)
            return default!;
        return await factory.CreateSagaConsumeContext(store, this, instance, SagaConsumeContextMode.Load).ConfigureAwait(false);
    }

    public Task Save(SagaConsumeContext<TSaga> sagaContext) => store.InsertAsync(sagaContext.Saga);

    public Task Update(SagaConsumeContext<TSaga> sagaContext) => store.UpdateAsync(sagaContext.Saga);

    public Task Delete(SagaConsumeContext<TSaga> sagaContext) => store.DeleteAsync(sagaContext.Saga.CorrelationId);

    public Task Discard(SagaConsumeContext<TSaga> sagaContext) => Task.CompletedTask;

    public Task Undo(SagaConsumeContext<TSaga> sagaContext) => Task.CompletedTask;

    public Task<SagaConsumeContext<TSaga, T>> CreateSagaConsumeContext<T>(ConsumeContext<T> context, TSaga instance,
        SagaConsumeContextMode mode) where T : class =>
        factory.CreateSagaConsumeContext(store, context, instance, mode);
}
