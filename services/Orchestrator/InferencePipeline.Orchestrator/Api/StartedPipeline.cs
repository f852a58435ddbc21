namespace InferencePipeline.Orchestrator.Api;

/// <summary>The answer to <c>POST /pipelines</c>: the run's id (also in the Location header) and its model's name.</summary>
public sealed record StartedPipeline(Guid PipelineId, string ModelName);
