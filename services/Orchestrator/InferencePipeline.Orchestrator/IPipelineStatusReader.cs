namespace InferencePipeline.Orchestrator;

/// <summary>Reads pipeline runs for the HTTP API, from wherever the saga repository keeps them.</summary>
public interface IPipelineStatusReader
{
    Task<PipelineStatus?> GetAsync(Guid pipelineId, CancellationToken cancellationToken = default);

    /// <summary>The most recently started runs, newest first.</summary>
    Task<IReadOnlyList<PipelineStatus>> ListRecentAsync(int count, CancellationToken cancellationToken = default);
}
