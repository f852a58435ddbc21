using InferencePipeline.Contracts;
using MassTransit;

namespace InferencePipeline.OrtTuner;

/// <summary>
/// Binds the consumer to the tuner's command queue, one tuning at a time: two searches measuring at once on
/// the same cores would slow each other and corrupt both results. Retries come from the bus
/// (AddPipelineBus's transient retry).
/// </summary>
public sealed class TuneOrtConsumerDefinition : ConsumerDefinition<TuneOrtConsumer>
{
    public TuneOrtConsumerDefinition()
    {
        EndpointName = QueueNames.OrtTuner;
        ConcurrentMessageLimit = 1;
    }
}
