using System.Diagnostics;
using InferencePipeline.Contracts;
using MassTransit;
using Microsoft.Extensions.Logging;

namespace InferencePipeline.Stages;

/// <summary>
/// What every stage does around its own steps: a span tagged with the pipeline and model, the outcome and
/// duration metrics, and the failure path. A step that finds the command cannot succeed throws
/// <see cref="StageFailedException"/>; the run then ends in one <see cref="StageFailed"/> (logged as a warning,
/// marked on the span, counted) and the message is consumed. Any other exception propagates, so the bus
/// retries transient faults and sends the rest to the error queue. When <see cref="PipelineCancellations"/> is
/// registered, a command of a cancelled pipeline is skipped, and one running when its pipeline is cancelled has its
/// token cancelled, ends without a result and is consumed.
/// </summary>
public static class StageExecution
{
    /// <summary>The outcome counted when a run is skipped or stopped because its pipeline was cancelled.</summary>
    public const string CancelledOutcome = "cancelled";

    public static async Task RunAsync<TCommand>(
        ConsumeContext<TCommand> context,
        StageTelemetry telemetry,
        Guid pipelineId,
        string? modelName,
        ILogger logger,
        Func<StageRun<TCommand>, Task> steps)
        where TCommand : class
    {
        var started = Stopwatch.GetTimestamp();
        using var activity = telemetry.Source.StartActivity(telemetry.ActivityName);
        activity?.SetTag("pipeline.id", pipelineId);
        activity?.SetTag("model.name", modelName);
        var cancellations = context.TryGetPayload<IServiceProvider>(out var services)
            ? services.GetService(typeof(PipelineCancellations)) as PipelineCancellations
            : null;
        if (cancellations?.IsCancelled(pipelineId) == true)
        {
            logger.LogInformation("Pipeline {PipelineId}: {Work} skipped, the pipeline was cancelled", pipelineId, telemetry.Work);
            telemetry.Outcomes?.Add(1, new KeyValuePair<string, object?>("outcome", CancelledOutcome));
            return;
        }

        using var watch = cancellations?.WatchFor(pipelineId);
        using var linked = watch is null ? null : CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, watch.Token);
        var run = new StageRun<TCommand>(context, telemetry, pipelineId, activity, linked?.Token ?? context.CancellationToken);
        try
        {
            await steps(run);
        }
        catch (Exception e) when (watch is not null && watch.Token.IsCancellationRequested && !context.CancellationToken.IsCancellationRequested)
        {
            // Whatever the steps threw on the way out (a cancelled wait, a cancelled RPC), the pipeline is over:
            // nothing is published and the command is consumed, not retried.
            logger.LogInformation("Pipeline {PipelineId}: {Work} stopped, the pipeline was cancelled ({Error})", pipelineId, telemetry.Work, e.GetType().Name);
            activity?.SetTag("pipeline.cancelled", true);
            telemetry.Outcomes?.Add(1, new KeyValuePair<string, object?>("outcome", CancelledOutcome));
            return;
        }
        catch (StageFailedException e)
        {
            logger.LogWarning("Pipeline {PipelineId}: {Work} failed: {Reason}", pipelineId, telemetry.Work, e.Message);
            activity?.SetStatus(ActivityStatusCode.Error, e.Message);
            telemetry.Outcomes?.Add(1, new KeyValuePair<string, object?>("outcome", "failed"));
            await context.Publish(new StageFailed(pipelineId, telemetry.Stage, e.Message), context.CancellationToken);
            return;
        }

        telemetry.Outcomes?.Add(1, new KeyValuePair<string, object?>("outcome", telemetry.SucceededOutcome));
        telemetry.Duration?.Record(Stopwatch.GetElapsedTime(started).TotalSeconds);
    }
}
