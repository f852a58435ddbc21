using InferencePipeline.Contracts;
using MassTransit;

namespace InferencePipeline.Analyzer;

/// <summary>
/// Binds the consumer to the analyzer's command queue. Retries come from the bus (AddPipelineBus's transient
/// retry), so none is added here: two layers would multiply the attempts.
/// </summary>
public sealed class AnalyzeResultsConsumerDefinition : ConsumerDefinition<AnalyzeResultsConsumer>
{
    public AnalyzeResultsConsumerDefinition()
    {
        EndpointName = QueueNames.Analyzer;
    }
}
