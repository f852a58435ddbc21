using System.Diagnostics;
using InferencePipeline.Contracts;
using MassTransit;

namespace InferencePipeline.Stages;

/// <summary>One command being handled by a stage: what the stage's own steps need to read it and report on it.</summary>
public sealed class StageRun<TCommand>
    where TCommand : class
{
    internal StageRun(ConsumeContext<TCommand> context, StageTelemetry telemetry, Guid pipelineId, Activity? activity, CancellationToken cancellationToken)
    {
        CancellationToken = cancellationToken;
        Context = context;
        Telemetry = telemetry;
        PipelineId = pipelineId;
        Activity = activity;
    }

    public ConsumeContext<TCommand> Context { get; }

    public TCommand Command => Context.Message;

    public Guid PipelineId { get; }

    /// <summary>Cancelled when the service stops or the pipeline is cancelled; steps check it between and within trials and measurements.</summary>
    public CancellationToken CancellationToken { get; }

    /// <summary>The stage's span around this command, for the stage's own tags; null when nobody listens.</summary>
    public Activity? Activity { get; }

    internal StageTelemetry Telemetry { get; }

    /// <summary>Publishes <see cref="StageProgress"/> for this pipeline and stage, <paramref name="fraction"/> clamped to [0, 1].</summary>
    public Task ProgressAsync(double fraction, string message) => ProgressAsync(fraction, message, CancellationToken);

    /// <summary>As <see cref="ProgressAsync(double, string)"/>, under a step's own token (one linked to a lease, say).</summary>
    public Task ProgressAsync(double fraction, string message, CancellationToken cancellationToken) =>
        Context.Publish(new StageProgress(PipelineId, Telemetry.Stage, Math.Clamp(fraction, 0, 1), message), cancellationToken);

    /// <summary>Publishes an event of the stage (its result, a measurement) under the command's cancellation.</summary>
    public Task PublishAsync<TEvent>(TEvent message)
        where TEvent : class =>
        Context.Publish(message, CancellationToken);
}
