using System.Globalization;
using InferencePipeline.Contracts;
using InferencePipeline.ModelAnalyzer.Config;
using InferencePipeline.ModelAnalyzer.Profiling;
using InferencePipeline.ModelAnalyzer.Reports;
using InferencePipeline.ModelAnalyzer.Search;
using Spectre.Console;

namespace InferencePipeline.Cli.Profiling;

/// <summary>
/// The live view of a profile: per model, configs done and left, measurements taken (and found in the checkpoint),
/// what is being measured now, and the best point so far within the constraints. On a console that is not
/// interactive (output to a file or a pipe) it writes one line per measurement instead of redrawing a table.
/// </summary>
public sealed class ProfileDisplay(IReadOnlyList<ModelProfileJob> jobs, IAnsiConsole console) : IProfileObserver
{
    private readonly Dictionary<string, ModelState> _models = jobs.ToDictionary(j => j.ModelName, j => new ModelState(j));
    private LiveDisplayContext? _live;

    public Table Table { get; } = new Table().Border(TableBorder.Rounded)
        .AddColumns("Model", "Configs done / left", "Measurements", "Now", "Best so far");

    /// <summary>Whether the console can redraw a live table.</summary>
    public bool Live => console.Profile.Capabilities.Interactive;

    public void Attach(LiveDisplayContext live)
    {
        _live = live;
        Render();
    }

    public Task ModelStartingAsync(string model, int configs, int maxMeasurements, CancellationToken cancellationToken)
    {
        var state = _models[model];
        state.Configs = configs;
        state.MaxMeasurements = maxMeasurements;
        state.Now = "starting";
        return Render();
    }

    public Task ConfigStartingAsync(string model, PlannedServingConfig config, CancellationToken cancellationToken)
    {
        _models[model].Now = $"loading {config.Name}";
        return Render();
    }

    public Task MeasuringAsync(string model, PlannedServingConfig config, LoadPoint point, CancellationToken cancellationToken)
    {
        _models[model].Now = $"{config.Name} at {point}";
        return Render();
    }

    public Task PointAsync(ProfilePoint point, CancellationToken cancellationToken)
    {
        var state = _models[point.Model];
        state.ConfigsSeen.Add(point.Config.Identity);
        if (point.Replayed)
        {
            state.Replayed++;
        }
        else
        {
            state.Fresh++;
        }

        var m = point.Measurement;
        if (state.Job.Constraints.Satisfies(m.Stats) && (state.Best is null || state.Job.Score.Compare(m.Stats, state.Best.Stats) > 0))
        {
            state.Best = m;
        }

        state.Now = point.Replayed ? $"resuming: {point.Config.Name} from the checkpoint" : state.Now;
        if (!Live)
        {
            console.MarkupLine(
                $"{Markup.Escape(point.Model)} [[{point.Index + 1}/{state.MaxMeasurements} at most]] {Markup.Escape(point.Config.Name)} at {Markup.Escape(LoadOf(m))}: " +
                $"{m.Stats.ThroughputPerSec.ToString("0.#", CultureInfo.InvariantCulture)} infer/s, p99 {m.Stats.P99Ms.ToString("0.###", CultureInfo.InvariantCulture)} ms" +
                (point.Replayed ? " (from the checkpoint)" : ""));
            return Task.CompletedTask;
        }

        return Render();
    }

    /// <summary>The table as it stands (also printed once the live view has ended).</summary>
    public Task Render()
    {
        Table.Rows.Clear();
        foreach (var state in _models.Values)
        {
            var best = state.Best is { } b
                ? $"{Markup.Escape(b.Config.Name)} at {b.Concurrency}: [green]{b.Stats.ThroughputPerSec.ToString("0.#", CultureInfo.InvariantCulture)}[/] infer/s, p99 {b.Stats.P99Ms.ToString("0.##", CultureInfo.InvariantCulture)} ms"
                : "[grey]none yet[/]";
            var left = Math.Max(0, state.Configs - state.ConfigsSeen.Count);
            Table.AddRow(
                Markup.Escape(state.Job.ModelName) + (state.Job.Mode == ConfigSearchMode.Quick ? " [grey](quick)[/]" : ""),
                $"{state.ConfigsSeen.Count} / {left}{(state.Job.Mode == ConfigSearchMode.Quick ? " at most" : "")}",
                $"{state.Fresh} new + {state.Replayed} resumed (at most {state.MaxMeasurements})",
                Markup.Escape(state.Now),
                best);
        }

        _live?.Refresh();
        return Task.CompletedTask;
    }

    private static string LoadOf(ProfileMeasurement m) =>
        (m.RequestRate is { } rate ? $"rate {rate.ToString("0.##", CultureInfo.InvariantCulture)}/s" : $"concurrency {m.Concurrency}") + (m.BatchSize > 1 ? $", batch {m.BatchSize}" : "");

    private sealed class ModelState(ModelProfileJob job)
    {
        public ModelProfileJob Job { get; } = job;

        public int Configs { get; set; }

        public int MaxMeasurements { get; set; }

        public HashSet<string> ConfigsSeen { get; } = new(StringComparer.Ordinal);

        public int Fresh { get; set; }

        public int Replayed { get; set; }

        public string Now { get; set; } = "waiting";

        public ProfileMeasurement? Best { get; set; }
    }
}
