using InferencePipeline.Cli.Composition;
using InferencePipeline.Contracts;
using Spectre.Console;

namespace InferencePipeline.Cli.Console;

/// <summary>
/// Follows one pipeline's events with a progress bar per stage until it completes, fails or is
/// cancelled, and collects what the summary needs.
/// </summary>
public sealed class PipelineFollower(PipelineEvents events, IAnsiConsole console)
{
    private static readonly (PipelineStage Stage, string Title)[] Stages =
    [
        (PipelineStage.Converting, "Convert to ONNX"),
        (PipelineStage.Tuning, "Tune ONNX Runtime"),
        (PipelineStage.Profiling, "Profile serving configs"),
        (PipelineStage.Analyzing, "Analyze and report"),
        (PipelineStage.Deploying, "Deploy and smoke-test"),
    ];

    public async Task<PipelineOutcome> FollowAsync(Guid pipelineId, TimeSpan timeout, CancellationToken ct)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(timeout);
        var state = new PipelineOutcomeBuilder(pipelineId);

        await console.Progress()
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new SpinnerColumn())
            .StartAsync(async ctx =>
            {
                var tasks = Stages.ToDictionary(s => s.Stage, s => ctx.AddTask(s.Title, autoStart: false, maxValue: 1));
                tasks[PipelineStage.Converting].StartTask();
                try
                {
                    await foreach (var message in events.Reader.ReadAllAsync(deadline.Token))
                    {
                        if (!state.Apply(message))
                        {
                            continue;
                        }

                        Render(message, tasks);
                        if (state.Finished)
                        {
                            break;
                        }
                    }
                }
                catch (OperationCanceledException) when (!ct.IsCancellationRequested)
                {
                    state.TimedOut(timeout);
                }
            });

        return state.Build();
    }

    private static void Render(object message, Dictionary<PipelineStage, ProgressTask> tasks)
    {
        switch (message)
        {
            case StageProgress p:
                tasks[p.Stage].StartTask();
                tasks[p.Stage].Value = Math.Clamp(p.Fraction, 0, 1);
                tasks[p.Stage].Description = $"{Title(p.Stage)} [grey]{Markup.Escape(Shorten(p.Message))}[/]";
                break;
            case ModelConverted:
                Complete(tasks, PipelineStage.Converting);
                break;
            case OrtTuned t:
                Complete(tasks, PipelineStage.Tuning, $"{t.TunedThroughputPerSec / Math.Max(t.DefaultThroughputPerSec, 1e-9):0.00}x in process");
                break;
            case ProfileMeasured m:
                tasks[PipelineStage.Profiling].StartTask();
                tasks[PipelineStage.Profiling].Value = (double)(m.Index + 1) / Math.Max(m.Total, 1);
                tasks[PipelineStage.Profiling].Description =
                    $"{Title(PipelineStage.Profiling)} [grey]{Markup.Escape(m.Measurement.Config.Name)} c={m.Measurement.Concurrency}: {m.Measurement.Stats.ThroughputPerSec:0} infer/s[/]";
                break;
            case ModelProfiled:
                Complete(tasks, PipelineStage.Profiling);
                break;
            case ResultsAnalyzed a:
                Complete(tasks, PipelineStage.Analyzing, a.Best.Name);
                break;
            case ModelDeployed:
                Complete(tasks, PipelineStage.Deploying);
                break;
            case PipelineCompleted:
                foreach (var task in tasks.Values.Where(t => !t.IsStarted))
                {
                    task.Description = $"{task.Description} [grey](skipped)[/]";
                    task.StartTask();
                    task.StopTask();
                }

                break;
            case PipelineFailed f:
                tasks[f.Stage].Description = $"{Title(f.Stage)} [red]failed[/]";
                tasks[f.Stage].StopTask();
                break;
        }
    }

    private static void Complete(Dictionary<PipelineStage, ProgressTask> tasks, PipelineStage stage, string? note = null)
    {
        var task = tasks[stage];
        task.StartTask();
        task.Value = task.MaxValue;
        task.Description = note is null ? Title(stage) : $"{Title(stage)} [green]{Markup.Escape(note)}[/]";
        task.StopTask();
        if (stage != PipelineStage.Deploying)
        {
            tasks[stage + 1].StartTask();
        }
    }

    private static string Title(PipelineStage stage) => Stages.First(s => s.Stage == stage).Title;

    private static string Shorten(string text) => text.Length <= 48 ? text : text[..45] + "...";
}
