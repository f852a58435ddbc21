using InferencePipeline.Contracts;
using MassTransit;

namespace InferencePipeline.Orchestrator;

/// <summary>
/// One pipeline run as the orchestrator remembers it. The request and each stage's result message are kept
/// whole: the next command is built from them, and the status API reads its figures from them.
/// Serialized to JSON by the Redis saga repository, so every member is a plain settable property.
/// </summary>
public sealed class PipelineState : SagaStateMachineInstance, ISagaVersion
{
    /// <summary>The pipeline id (<c>PipelineId</c> of every message).</summary>
    public Guid CorrelationId { get; set; }

    /// <summary>Bumped on every save; the Redis repository refuses a save whose version moved meanwhile.</summary>
    public int Version { get; set; }

    public string CurrentState { get; set; } = "";

    public StartPipeline? Request { get; set; }

    public PipelineStage Stage { get; set; }
    public double ProgressPercent { get; set; }
    public string? LastMessage { get; set; }
    public string? FailureReason { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public DateTimeOffset StageStartedAt { get; set; }
    public DateTimeOffset? FinishedAt { get; set; }

    public int MeasurementsDone { get; set; }
    public int MeasurementsTotal { get; set; }

    /// <summary>The fastest measurement so far within the latency budget, for watching a profile; the analyzer has the last word.</summary>
    public ProfileMeasurement? BestSoFar { get; set; }

    public ModelConverted? Converted { get; set; }
    public OrtTuned? Tuned { get; set; }
    public ModelProfiled? Profiled { get; set; }
    public ResultsAnalyzed? Analyzed { get; set; }
    public ModelDeployed? Deployed { get; set; }
}
