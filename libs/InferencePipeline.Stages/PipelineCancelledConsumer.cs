using InferencePipeline.Contracts;
using MassTransit;

namespace InferencePipeline.Stages;

/// <summary>Hears that a pipeline was cancelled and tells <see cref="PipelineCancellations"/>, which stops its running stage work.</summary>
public sealed class PipelineCancelledConsumer(PipelineCancellations cancellations) : IConsumer<PipelineCancelled>
{
    public Task Consume(ConsumeContext<PipelineCancelled> context)
    {
        cancellations.Cancel(context.Message.PipelineId);
        return Task.CompletedTask;
    }
}
