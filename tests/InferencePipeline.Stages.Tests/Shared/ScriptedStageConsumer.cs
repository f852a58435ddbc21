using System.Diagnostics;
using System.Diagnostics.Metrics;
using InferencePipeline.Contracts;
using MassTransit;
using Microsoft.Extensions.Logging;

namespace InferencePipeline.Stages.Tests.Shared;

/// <summary>
/// A stage whose only step does what the command's ResultsUri says ("ok", "reject", "crash", "work"), so the tests of
/// <see cref="StageExecution"/> drive every path through the real bus without a real stage's work.
/// </summary>
public sealed class ScriptedStageConsumer(ILogger<ScriptedStageConsumer> logger) : IConsumer<AnalyzeResults>
{
    public const string SourceName = "InferencePipeline.Stages.Tests.Scripted";
    public const string Rejection = "The results are scripted to fail; send 'ok' instead.";

    public static readonly ActivitySource Source = new(SourceName);

    public static readonly Meter Meter = new(SourceName);

    public static readonly StageTelemetry Telemetry = new(PipelineStage.Analyzing, Source, "scripted", "scripted work")
    {
        Outcomes = Meter.CreateCounter<long>("scripted.outcomes"),
        SucceededOutcome = "done",
        Duration = Meter.CreateHistogram<double>("scripted.duration"),
    };

    public Task Consume(ConsumeContext<AnalyzeResults> context) =>
        StageExecution.RunAsync(context, Telemetry, context.Message.PipelineId, context.Message.ModelName, logger, async run =>
        {
            switch (run.Command.ResultsUri)
            {
                case "reject":
                    await run.ProgressAsync(0.5, "half way");
                    throw new StageFailedException(Rejection);
                case "work":
                    // Long work that only its token ends, as a tuner's trials or a profiler's measurements.
                    await run.ProgressAsync(0.1, "started");
                    await Task.Delay(Timeout.InfiniteTimeSpan, run.CancellationToken);
                    break;
                case "crash":
                    throw new InvalidOperationException("a fault the bus should retry");
                default:
                    await run.ProgressAsync(1.5, "past the end");
                    break;
            }
        });
}
