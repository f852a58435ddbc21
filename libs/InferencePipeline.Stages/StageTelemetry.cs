using System.Diagnostics;
using System.Diagnostics.Metrics;
using InferencePipeline.Contracts;

namespace InferencePipeline.Stages;

/// <summary>
/// How one stage shows up in traces, metrics and logs. Each stage declares one next to its own instruments;
/// <see cref="StageExecution"/> uses it for every command the stage handles.
/// </summary>
/// <param name="Stage">The pipeline stage its progress and failures are reported for.</param>
/// <param name="Source">The stage's trace source ("InferencePipeline.*", which ServiceDefaults exports).</param>
/// <param name="ActivityName">The span each command runs in.</param>
/// <param name="Work">What the stage does, for its log lines: "ORT tuning" logs "ORT tuning failed: ...".</param>
public sealed record StageTelemetry(PipelineStage Stage, ActivitySource Source, string ActivityName, string Work)
{
    /// <summary>Commands finished, tagged <c>outcome</c> = <see cref="SucceededOutcome"/> or "failed"; null when the stage does not count them.</summary>
    public Counter<long>? Outcomes { get; init; }

    /// <summary>The outcome tag of a command the stage finished without failing.</summary>
    public string SucceededOutcome { get; init; } = "succeeded";

    /// <summary>Seconds each successful command took; null when the stage does not record it.</summary>
    public Histogram<double>? Duration { get; init; }
}
