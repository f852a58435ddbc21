using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using InferencePipeline.Contracts;
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

    private static Task<StageHarness> StartAsync() =>
        StageHarness.StartAsync(x => x.AddConsumer<ScriptedStageConsumer>().Endpoint(e => e.Name = QueueNames.Analyzer));

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
