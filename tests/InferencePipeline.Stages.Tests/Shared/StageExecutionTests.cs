using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using InferencePipeline.Contracts;
using InferencePipeline.Testing;
using MassTransit;

namespace InferencePipeline.Stages.Tests.Shared;

public sealed class StageExecutionTests : IDisposable
{
    private readonly ConcurrentQueue<(Guid PipelineId, ActivityStatusCode Status, string? StatusDescription)> _spans = new();
    private readonly ConcurrentQueue<(string Instrument, string? Outcome)> _measurements = new();
    private readonly ActivityListener _spanListener;
    private readonly MeterListener _meterListener = new();

    public StageExecutionTests()
    {
        _spanListener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == ScriptedStageConsumer.SourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = span => _spans.Enqueue(((Guid)span.GetTagItem("pipeline.id")!, span.Status, span.StatusDescription)),
        };
        ActivitySource.AddActivityListener(_spanListener);
        _meterListener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter == ScriptedStageConsumer.Meter)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _meterListener.SetMeasurementEventCallback<long>((instrument, _, tags, _) => Record(instrument, tags));
        _meterListener.SetMeasurementEventCallback<double>((instrument, _, tags, _) => Record(instrument, tags));
        _meterListener.Start();
    }

    public void Dispose()
    {
        _spanListener.Dispose();
        _meterListener.Dispose();
    }

    [Fact]
    public async Task A_stage_failure_becomes_one_StageFailed_marked_on_the_span_and_counted()
    {
        await using var stage = await StartAsync();
        var id = Guid.NewGuid();

        await stage.SendAndWaitAsync(Command(id, "reject"));

        var failed = Assert.IsType<StageFailed>(stage.Published<StageFailed>());
        Assert.Equal(new StageFailed(id, PipelineStage.Analyzing, ScriptedStageConsumer.Rejection), failed);
        Assert.Equal(0.5, Assert.Single(stage.AllPublished<StageProgress>()).Fraction);
        Assert.Empty(stage.Harness.Published.Select<Fault<AnalyzeResults>>(new CancellationToken(canceled: true)));
        Assert.Contains((id, ActivityStatusCode.Error, ScriptedStageConsumer.Rejection), _spans);
        Assert.Contains(("scripted.outcomes", "failed"), _measurements);
        Assert.DoesNotContain(_measurements, m => m.Instrument == "scripted.duration");
    }

    [Fact]
    public async Task Other_exceptions_are_left_to_the_bus()
    {
        await using var stage = await StartAsync();

        await Assert.ThrowsAsync<InvalidOperationException>(() => stage.SendAndWaitAsync(Command(Guid.NewGuid(), "crash")));

        Assert.Null(stage.Published<StageFailed>());
        Assert.Empty(_measurements);
    }

    [Fact]
    public async Task A_finished_run_counts_its_outcome_and_duration_and_clamps_progress()
    {
        await using var stage = await StartAsync();
        var id = Guid.NewGuid();

        await stage.SendAndWaitAsync(Command(id, "ok"));

        Assert.Null(stage.Published<StageFailed>());
        var progress = Assert.Single(stage.AllPublished<StageProgress>());
        Assert.Equal((id, PipelineStage.Analyzing, 1.0), (progress.PipelineId, progress.Stage, progress.Fraction));
        Assert.Contains(("scripted.outcomes", "done"), _measurements);
        Assert.Contains(("scripted.duration", null), _measurements);
        Assert.Contains((id, ActivityStatusCode.Unset, null), _spans);
    }

    [Fact]
    public async Task Cancelling_the_pipeline_stops_its_running_step_without_a_result_or_a_retry_and_skips_later_commands()
    {
        await using var stage = await StartAsync();
        var id = Guid.NewGuid();
        var consumed = stage.SendAndWaitAsync(Command(id, "work"));
        await Eventually.TrueAsync(() => stage.AllPublished<StageProgress>().Any(p => p.PipelineId == id), TimeSpan.FromSeconds(30), "the step to start");

        await stage.Harness.Bus.Publish(new PipelineCancelled(id, PipelineStage.Analyzing, "the user cancelled"));

        // Consumed, not faulted (SendAndWaitAsync throws on a fault), and nothing published for the run.
        await consumed.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Null(stage.Published<StageFailed>());
        Assert.Empty(stage.Harness.Published.Select<Fault<AnalyzeResults>>(new CancellationToken(canceled: true)));
        Assert.Contains(("scripted.outcomes", StageExecution.CancelledOutcome), _measurements);

        // A command of the cancelled pipeline that arrives later never runs its step; another pipeline's does.
        await stage.SendAndWaitAsync(Command(id, "ok"));
        Assert.Single(stage.AllPublished<StageProgress>(), p => p.PipelineId == id);
        var other = Guid.NewGuid();
        await stage.SendAndWaitAsync(Command(other, "ok"));
        Assert.Contains(stage.AllPublished<StageProgress>(), p => p.PipelineId == other);
    }

    private static Task<StageHarness> StartAsync() =>
        StageHarness.StartAsync(x =>
        {
            x.AddConsumer<ScriptedStageConsumer>().Endpoint(e => e.Name = QueueNames.Analyzer);
            x.AddPipelineCancellations();
        });

    private static AnalyzeResults Command(Guid id, string script) =>
        new(id, "scripted", script, PipelineConstraints.None, Objective.Default);

    private void Record(Instrument instrument, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        string? outcome = null;
        foreach (var tag in tags)
        {
            if (tag.Key == "outcome")
            {
                outcome = tag.Value as string;
            }
        }

        _measurements.Enqueue((instrument.Name, outcome));
    }
}
