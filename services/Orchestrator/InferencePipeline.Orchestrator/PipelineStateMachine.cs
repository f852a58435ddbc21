using InferencePipeline.Contracts;
using MassTransit;

namespace InferencePipeline.Orchestrator;

/// <summary>
/// Drives one pipeline run: each stage's result sends the next stage's command to that stage's queue
/// (<see cref="QueueNames"/>); a <see cref="StageFailed"/> or a <see cref="CancelPipeline"/> ends it.
/// Delivery is at least once, so late or repeated events for a state that has moved on are ignored
/// rather than sent to the error queue.
/// </summary>
public sealed class PipelineStateMachine : MassTransitStateMachine<PipelineState>
{
    public PipelineStateMachine()
    {
        InstanceState(x => x.CurrentState);

        Event(() => PipelineRequested, e => e.CorrelateById(m => m.Message.PipelineId));
        Event(() => CancelRequested, ExistingPipeline<CancelPipeline>(m => m.PipelineId));
        Event(() => ConversionDone, ExistingPipeline<ModelConverted>(m => m.PipelineId));
        Event(() => TuningDone, ExistingPipeline<OrtTuned>(m => m.PipelineId));
        Event(() => MeasurementTaken, ExistingPipeline<ProfileMeasured>(m => m.PipelineId));
        Event(() => ProfilingDone, ExistingPipeline<ModelProfiled>(m => m.PipelineId));
        Event(() => AnalysisDone, ExistingPipeline<ResultsAnalyzed>(m => m.PipelineId));
        Event(() => DeploymentDone, ExistingPipeline<ModelDeployed>(m => m.PipelineId));
        Event(() => StageProgressed, ExistingPipeline<StageProgress>(m => m.PipelineId));
        Event(() => StageGaveUp, ExistingPipeline<StageFailed>(m => m.PipelineId));

        OnUnhandledEvent(context => context.Ignore());

        Initially(
            When(PipelineRequested)
                .Then(context => PipelineStateUpdates.Begin(context.Saga, context.Message))
                .Publish(context => new PipelineStarted(context.Saga.CorrelationId, context.Message.ModelName, context.Saga.CreatedAt))
                .Send(QueueNames.For<ConvertModel>(), context => PipelineCommands.Convert(context.Message))
                .TransitionTo(Converting));

        During(Converting,
            When(ConversionDone)
                .Then(context =>
                {
                    context.Saga.Converted = context.Message;
                    PipelineStateUpdates.EnterStage(context.Saga, PipelineStage.Tuning, $"Converted to {context.Message.OnnxUri}");
                })
                .Send(QueueNames.For<TuneOrt>(), context => PipelineCommands.Tune(context.Message, context.Saga.Request))
                .TransitionTo(Tuning));

        During(Tuning,
            When(TuningDone)
                .Then(context =>
                {
                    context.Saga.Tuned = context.Message;
                    PipelineStateUpdates.EnterStage(context.Saga, PipelineStage.Profiling,
                        $"ORT tuned: {context.Message.Best} {context.Message.TunedThroughputPerSec:F1}/s " +
                        $"(default {context.Message.DefaultThroughputPerSec:F1}/s)");
                })
                .Send(QueueNames.For<ProfileModel>(), context => PipelineCommands.Profile(context.Saga))
                .TransitionTo(Profiling));

        During(Profiling,
            When(MeasurementTaken)
                .Then(context => PipelineStateUpdates.RecordMeasurement(context.Saga, context.Message)),
            When(ProfilingDone)
                .Then(context =>
                {
                    context.Saga.Profiled = context.Message;
                    context.Saga.MeasurementsDone = Math.Max(context.Saga.MeasurementsDone, context.Message.MeasurementCount);
                    PipelineStateUpdates.EnterStage(context.Saga, PipelineStage.Analyzing, $"{context.Message.MeasurementCount} measurements taken");
                })
                .Send(QueueNames.For<AnalyzeResults>(), context => PipelineCommands.Analyze(context.Saga))
                .TransitionTo(Analyzing));

        During(Analyzing,
            When(AnalysisDone, context => context.Saga.Request!.DeployTarget.Kind == DeployTargetKind.None)
                .Then(context =>
                {
                    context.Saga.Analyzed = context.Message;
                    PipelineStateUpdates.Finish(context.Saga, $"Best config {context.Message.Best.Name}; deployment not requested");
                })
                .Publish(context => PipelineCommands.Completed(context.Saga))
                .TransitionTo(Completed),
            When(AnalysisDone, context => context.Saga.Request!.DeployTarget.Kind != DeployTargetKind.None)
                .Then(context =>
                {
                    context.Saga.Analyzed = context.Message;
                    PipelineStateUpdates.EnterStage(context.Saga, PipelineStage.Deploying, $"Best config {context.Message.Best.Name}");
                })
                .Send(QueueNames.For<DeployModel>(), context => PipelineCommands.Deploy(context.Saga))
                .TransitionTo(Deploying));

        During(Deploying,
            When(DeploymentDone)
                .Then(context =>
                {
                    context.Saga.Deployed = context.Message;
                    PipelineStateUpdates.Finish(context.Saga, $"Served as {context.Message.ServedModelName} at {context.Message.Endpoint}");
                })
                .Publish(context => PipelineCommands.Completed(context.Saga))
                .TransitionTo(Completed));

        During([Converting, Tuning, Profiling, Analyzing, Deploying],
            When(StageProgressed, context => context.Message.Stage == context.Saga.Stage)
                .Then(context =>
                {
                    context.Saga.ProgressPercent = Math.Max(context.Saga.ProgressPercent,
                        PipelineProgress.Percent(context.Message.Stage, context.Message.Fraction));
                    PipelineStateUpdates.Touch(context.Saga, context.Message.Message);
                }),
            When(StageGaveUp)
                .Then(context =>
                {
                    context.Saga.Stage = context.Message.Stage;
                    context.Saga.FailureReason = context.Message.Reason;
                    context.Saga.FinishedAt = DateTimeOffset.UtcNow;
                    PipelineStateUpdates.Touch(context.Saga, $"{context.Message.Stage} failed: {context.Message.Reason}");
                })
                .Publish(context => new PipelineFailed(context.Saga.CorrelationId, context.Message.Stage, context.Message.Reason))
                .TransitionTo(Failed),
            When(CancelRequested)
                .Then(context =>
                {
                    context.Saga.FailureReason = context.Message.Reason;
                    context.Saga.FinishedAt = DateTimeOffset.UtcNow;
                    PipelineStateUpdates.Touch(context.Saga, $"Cancelled during {context.Saga.Stage}: {context.Message.Reason}");
                })
                .Publish(context => new PipelineCancelled(context.Saga.CorrelationId, context.Saga.Stage, context.Message.Reason))
                .TransitionTo(Cancelled));
    }

    /// <summary>
    /// Events after the start belong to a pipeline that exists; one for an unknown id (a deleted run, a
    /// stray test message) is dropped instead of creating an instance or failing to the error queue.
    /// </summary>
    private static Action<IEventCorrelationConfigurator<PipelineState, T>> ExistingPipeline<T>(Func<T, Guid> pipelineId)
        where T : class =>
        e =>
        {
            e.CorrelateById(context => pipelineId(context.Message));
            e.OnMissingInstance(m => m.Discard());
        };

    public State Converting { get; private set; } = null!;
    public State Tuning { get; private set; } = null!;
    public State Profiling { get; private set; } = null!;
    public State Analyzing { get; private set; } = null!;
    public State Deploying { get; private set; } = null!;
    public State Completed { get; private set; } = null!;
    public State Failed { get; private set; } = null!;
    public State Cancelled { get; private set; } = null!;

    public Event<StartPipeline> PipelineRequested { get; private set; } = null!;
    public Event<CancelPipeline> CancelRequested { get; private set; } = null!;
    public Event<ModelConverted> ConversionDone { get; private set; } = null!;
    public Event<OrtTuned> TuningDone { get; private set; } = null!;
    public Event<ProfileMeasured> MeasurementTaken { get; private set; } = null!;
    public Event<ModelProfiled> ProfilingDone { get; private set; } = null!;
    public Event<ResultsAnalyzed> AnalysisDone { get; private set; } = null!;
    public Event<ModelDeployed> DeploymentDone { get; private set; } = null!;
    public Event<StageProgress> StageProgressed { get; private set; } = null!;
    public Event<StageFailed> StageGaveUp { get; private set; } = null!;
}
