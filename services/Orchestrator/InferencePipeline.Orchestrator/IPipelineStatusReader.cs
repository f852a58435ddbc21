using InferencePipeline.Orchestrator.Persistence;

namespace InferencePipeline.Orchestrator;

/// <summary>Reads pipeline runs for the HTTP API, from wherever the saga repository keeps them.</summary>
public interface IPipelineStatusReader
{
    Task<PipelineStatus?> GetAsync(Guid pipelineId, CancellationToken cancellationToken = default);

    /// <summary>Up to <paramref name="count"/> runs started before <paramref name="after"/> (the latest when null), newest first.</summary>
    Task<SagaPage<PipelineStatus>> ListAsync(int count, SagaIndexPosition? after = null, CancellationToken cancellationToken = default);
}
