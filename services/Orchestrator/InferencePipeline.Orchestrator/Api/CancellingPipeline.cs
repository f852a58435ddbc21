namespace InferencePipeline.Orchestrator.Api;

/// <summary>The answer to <c>POST /pipelines/{id}/cancel</c>: the run's state when the cancel was queued.</summary>
public sealed record CancellingPipeline(Guid PipelineId, string State, bool Cancelling);
