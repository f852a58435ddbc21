using InferencePipeline.Contracts;
using MassTransit;

namespace InferencePipeline.Cli.Composition;

/// <summary>Hands the pipeline's published events to <see cref="PipelineEvents"/>.</summary>
public sealed class PipelineEventSink(PipelineEvents events) :
    IConsumer<PipelineStarted>,
    IConsumer<ModelConverted>,
    IConsumer<OrtTuned>,
    IConsumer<ProfileMeasured>,
    IConsumer<ModelProfiled>,
    IConsumer<ResultsAnalyzed>,
    IConsumer<ModelDeployed>,
    IConsumer<StageProgress>,
    IConsumer<StageFailed>,
    IConsumer<PipelineCompleted>,
    IConsumer<PipelineFailed>,
    IConsumer<PipelineCancelled>
{
    public Task Consume(ConsumeContext<PipelineStarted> context) => Forward(context.Message);
    public Task Consume(ConsumeContext<ModelConverted> context) => Forward(context.Message);
    public Task Consume(ConsumeContext<OrtTuned> context) => Forward(context.Message);
    public Task Consume(ConsumeContext<ProfileMeasured> context) => Forward(context.Message);
    public Task Consume(ConsumeContext<ModelProfiled> context) => Forward(context.Message);
    public Task Consume(ConsumeContext<ResultsAnalyzed> context) => Forward(context.Message);
    public Task Consume(ConsumeContext<ModelDeployed> context) => Forward(context.Message);
    public Task Consume(ConsumeContext<StageProgress> context) => Forward(context.Message);
    public Task Consume(ConsumeContext<StageFailed> context) => Forward(context.Message);
    public Task Consume(ConsumeContext<PipelineCompleted> context) => Forward(context.Message);
    public Task Consume(ConsumeContext<PipelineFailed> context) => Forward(context.Message);
    public Task Consume(ConsumeContext<PipelineCancelled> context) => Forward(context.Message);

    private Task Forward(object message)
    {
        events.Write(message);
        return Task.CompletedTask;
    }
}

/// <summary>A private, temporary endpoint: several CLIs following pipelines must each hear every event.</summary>
public sealed class PipelineEventSinkDefinition : ConsumerDefinition<PipelineEventSink>
{
    public PipelineEventSinkDefinition()
    {
        Endpoint(e =>
        {
            e.Name = $"inferpipe-cli-{Environment.ProcessId}-{Guid.NewGuid():N}";
            e.Temporary = true;
        });
    }
}
