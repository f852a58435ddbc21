using InferencePipeline.Orchestrator.Persistence;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace InferencePipeline.Orchestrator;

public static class OrchestratorRegistrationExtensions
{
    public const string SagaKeyPrefix = "pipeline:saga:";
    public const string SagaIndexKey = "pipeline:index";

    /// <summary>
    /// Adds the pipeline saga on <c>QueueNames.Orchestrator</c> and an <see cref="IPipelineStatusReader"/>.
    /// State goes to Redis when an <see cref="IConnectionMultiplexer"/> is registered already (AddPipelineState
    /// before AddPipelineBus), otherwise to MassTransit's in-memory repository (demo mode: lost on exit). In Redis a
    /// finished pipeline's state expires after <c>Pipeline:Retention</c> (<see cref="PipelineRetentionOptions"/>).
    /// </summary>
    public static IBusRegistrationConfigurator AddOrchestrator(this IBusRegistrationConfigurator bus)
    {
        var saga = bus.AddSagaStateMachine<PipelineStateMachine, PipelineState, PipelineSagaDefinition>();
        bus.AddOptions<PipelineRetentionOptions>().BindConfiguration(PipelineRetentionOptions.Section);

        if (bus.Any(d => d.ServiceType == typeof(IConnectionMultiplexer)))
        {
            saga.RedisRepository(sp =>
            {
                var retention = sp.GetRequiredService<IOptions<PipelineRetentionOptions>>().Value;
                return new RedisSagaOptions<PipelineState>(SagaKeyPrefix, SagaIndexKey) { ExpireAfter = retention.ExpireAfter };
            });
            bus.TryAddSingleton<RedisSagaStore<PipelineState>>();
            bus.TryAddSingleton<IPipelineStatusReader, RedisPipelineStatusReader>();
        }
        else
        {
            saga.InMemoryRepository();
            bus.TryAddSingleton<IPipelineStatusReader, InMemoryPipelineStatusReader>();
        }
        return bus;
    }
}
