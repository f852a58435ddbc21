using MassTransit;
using MassTransit.Configuration;
using MassTransit.Saga;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace InferencePipeline.Orchestrator.Persistence;

public static class RedisSagaRepositoryRegistrationExtensions
{
    /// <summary>
    /// Persists <typeparamref name="TSaga"/> in Redis through the container's <c>IConnectionMultiplexer</c>
    /// (MassTransit.Redis is not available here; this is our own, optimistic-only repository).
    /// </summary>
    /// <param name="options">Where instances live and how long, built from the container (settings such as a retention).</param>
    public static ISagaRegistrationConfigurator<TSaga> RedisRepository<TSaga>(this ISagaRegistrationConfigurator<TSaga> configurator,
        Func<IServiceProvider, RedisSagaOptions<TSaga>> options)
        where TSaga : class, ISagaVersion
    {
        configurator.Repository(repository =>
        {
            repository.TryAddSingleton(options);
            repository.TryAddSingleton<RedisSagaStore<TSaga>>();
            repository.RegisterLoadSagaRepository<TSaga, RedisSagaRepositoryContextFactory<TSaga>>();
            repository.RegisterSagaRepository<TSaga, RedisSagaStore<TSaga>, SagaConsumeContextFactory<RedisSagaStore<TSaga>, TSaga>,
                RedisSagaRepositoryContextFactory<TSaga>>();
        });
        return configurator;
    }
}
