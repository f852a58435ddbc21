namespace InferencePipeline.Orchestrator;

/// <summary>
/// <c>Pipeline:Retention</c>: how long a finished pipeline's state (status, results, failure reason) is kept in
/// Redis after it completed, failed or was cancelled. Its artifacts (models, reports) stay in the artifact store.
/// </summary>
public sealed class PipelineRetentionOptions
{
    public const string Section = "Pipeline";

    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(7);

    /// <summary>How long to keep <paramref name="state"/> from now: the retention once it has finished, for good while it runs.</summary>
    public TimeSpan? ExpireAfter(PipelineState state) => state.FinishedAt is null ? null : Retention;
}
