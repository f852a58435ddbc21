using InferencePipeline.Contracts;
using MassTransit;

namespace InferencePipeline.Deployer;

/// <summary>The deployer's queue; one deployment at a time, since two could load the same served name.</summary>
public sealed class DeployModelConsumerDefinition : ConsumerDefinition<DeployModelConsumer>
{
    public DeployModelConsumerDefinition()
    {
        EndpointName = QueueNames.Deployer;
        ConcurrentMessageLimit = 1;
    }
}
