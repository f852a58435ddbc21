using InferencePipeline.Contracts;

namespace InferencePipeline.Orchestrator;

/// <summary>
/// What the status API and the CLI show for one run: where it is, how far, why it stopped, and the
/// figures of the report once they exist.
/// </summary>
public sealed record PipelineStatus(
    Guid PipelineId,
    string ModelName,
    string State,
    PipelineStage Stage,
    double ProgressPercent,
    string? LastMessage,
    string? FailureReason,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? FinishedAt,
    int MeasurementsDone,
    int MeasurementsTotal,
    double? DefaultThroughputPerSec,
    double? OrtTunedThroughputPerSec,
    double? BestThroughputPerSec,
    string? BestConfigName,
    int? BestConcurrency,
    string? ReportUri,
    string? Endpoint,
    double? BestSoFarThroughputPerSec = null,
    string? BestSoFarConfigName = null,
    int? BestSoFarConcurrency = null)
{
    /// <summary>The states a run ends in; nothing changes a run in one of them.</summary>
    public static readonly IReadOnlySet<string> FinalStates = new HashSet<string>(StringComparer.Ordinal) { "Completed", "Failed", "Cancelled" };

    public bool Finished => FinalStates.Contains(State);

    public static PipelineStatus From(PipelineState state) => new(
        state.CorrelationId,
        state.Request?.ModelName ?? "",
        state.CurrentState,
        state.Stage,
        state.ProgressPercent,
        state.LastMessage,
        state.FailureReason,
        state.CreatedAt,
        state.UpdatedAt,
        state.FinishedAt,
        state.MeasurementsDone,
        state.MeasurementsTotal,
        state.Analyzed?.DefaultThroughputPerSec ?? state.Tuned?.DefaultThroughputPerSec,
        state.Analyzed?.OrtTunedThroughputPerSec ?? state.Tuned?.TunedThroughputPerSec,
        state.Analyzed?.BestStats.ThroughputPerSec,
        state.Analyzed?.Best.Name,
        state.Analyzed?.BestConcurrency,
        state.Analyzed?.ReportUri,
        state.Deployed?.Endpoint,
        state.BestSoFar?.Stats.ThroughputPerSec,
        state.BestSoFar?.Config.Name,
        state.BestSoFar?.Concurrency);
}
