using InferencePipeline.Contracts;
using MassTransit;

namespace InferencePipeline.TritonProfiler;

/// <summary>
/// The profiler's queue. One profile at a time per process: profiles share the server (and its lock), so a
/// second one in flight would only wait, holding a RabbitMQ delivery and its consumer timeout.
/// </summary>
public sealed class ProfileModelConsumerDefinition : ConsumerDefinition<ProfileModelConsumer>
{
    public ProfileModelConsumerDefinition()
    {
        EndpointName = QueueNames.Profiler;
        ConcurrentMessageLimit = 1;
    }

    protected override void ConfigureConsumer(
        IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<ProfileModelConsumer> consumerConfigurator,
        IRegistrationContext context)
    {
        endpointConfigurator.PrefetchCount = 1;
    }
}
