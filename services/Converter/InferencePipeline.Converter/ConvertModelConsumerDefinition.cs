using InferencePipeline.Contracts;
using MassTransit;

namespace InferencePipeline.Converter;

/// <summary>
/// Binds the consumer to the converter's command queue. Retries come from the bus (AddPipelineBus's transient
/// retry), so none is added here: two layers would multiply the attempts.
/// </summary>
public sealed class ConvertModelConsumerDefinition : ConsumerDefinition<ConvertModelConsumer>
{
    public ConvertModelConsumerDefinition()
    {
        EndpointName = QueueNames.Converter;
    }
}
