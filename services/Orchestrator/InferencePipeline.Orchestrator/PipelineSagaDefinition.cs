using InferencePipeline.Contracts;
using MassTransit;

namespace InferencePipeline.Orchestrator;

/// <summary>
/// The saga listens on <see cref="QueueNames.Orchestrator"/>. Its sends and publishes are held in an outbox
/// until the state is saved: a version conflict retries the message without having sent the next command twice.
/// </summary>
public sealed class PipelineSagaDefinition : SagaDefinition<PipelineState>
{
    public PipelineSagaDefinition()
    {
        EndpointName = QueueNames.Orchestrator;
    }

    protected override void ConfigureSaga(IReceiveEndpointConfigurator endpointConfigurator, ISagaConfigurator<PipelineState> sagaConfigurator,
        IRegistrationContext context)
    {
        endpointConfigurator.UseMessageRetry(retry =>
        {
            // Only version conflicts here; other transient faults are retried by the bus-wide policy.
            retry.Handle<Exception>(ex => ex is ConcurrencyException || ex.InnerException is ConcurrencyException);
            retry.Intervals(10, 50, 100, 200, 500, 1000);
        });
        endpointConfigurator.UseInMemoryOutbox(context);
    }
}
