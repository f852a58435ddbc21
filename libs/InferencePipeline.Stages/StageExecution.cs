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
/// retries transient faults and sends the rest to the error queue.
/// </summary>
public static class StageExecution
{
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
        var run = new StageRun<TCommand>(context, telemetry, pipelineId, activity);
        try
        {
            await steps(run);
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
