using InferencePipeline.Contracts;
using MassTransit;

namespace InferencePipeline.Orchestrator;

/// <summary>
/// The saga listens on <see cref="QueueNames.Orchestrator"/>. Messages of one pipeline are partitioned by its
/// id so one process applies them one at a time (profiling emits bursts of <see cref="ProfileMeasured"/>);
/// across processes, the repository's version check plus the retry here serialize them. Sends and publishes
/// are held in an outbox until the state is saved, so a retried message never sends the next command twice.
/// </summary>
public sealed class PipelineSagaDefinition : SagaDefinition<PipelineState>
{
    private const int PartitionCount = 32;

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
            retry.Exponential(10, TimeSpan.FromMilliseconds(10), TimeSpan.FromSeconds(1), TimeSpan.FromMilliseconds(25));
        });
        endpointConfigurator.UseInMemoryOutbox(context);

        var partitioner = endpointConfigurator.CreatePartitioner(PartitionCount);
        ByPipeline<StartPipeline>(sagaConfigurator, partitioner, m => m.PipelineId);
        ByPipeline<CancelPipeline>(sagaConfigurator, partitioner, m => m.PipelineId);
        ByPipeline<ModelConverted>(sagaConfigurator, partitioner, m => m.PipelineId);
        ByPipeline<OrtTuned>(sagaConfigurator, partitioner, m => m.PipelineId);
        ByPipeline<ProfileMeasured>(sagaConfigurator, partitioner, m => m.PipelineId);
        ByPipeline<ModelProfiled>(sagaConfigurator, partitioner, m => m.PipelineId);
        ByPipeline<ResultsAnalyzed>(sagaConfigurator, partitioner, m => m.PipelineId);
        ByPipeline<ModelDeployed>(sagaConfigurator, partitioner, m => m.PipelineId);
        ByPipeline<StageProgress>(sagaConfigurator, partitioner, m => m.PipelineId);
        ByPipeline<StageFailed>(sagaConfigurator, partitioner, m => m.PipelineId);
    }

    private static void ByPipeline<T>(ISagaConfigurator<PipelineState> saga, IPartitioner partitioner, Func<T, Guid> pipelineId)
        where T : class =>
        saga.Message<T>(message => message.UsePartitioner(partitioner, context => pipelineId(context.Message)));
}
