using System.Globalization;
using InferencePipeline.OrtTuner;
using Spectre.Console;

namespace InferencePipeline.Cli.Console;

/// <summary>
/// The candidates of one tuning as a table (at the batch size the choice was made at; the name says how each differs
/// from ONNX Runtime's defaults, ort-tuning.csv has every column), then the choice against the defaults.
/// </summary>
public static class TuningTable
{
    public static void Write(IAnsiConsole console, OrtTuningResult result)
    {
        var table = new Table().Border(TableBorder.Rounded).Title($"ONNX Runtime candidates at batch {result.ChoiceBatchSize}");
        table.AddColumn("Candidate");
        table.AddColumn(new TableColumn("infer/s").RightAligned());
        table.AddColumn(new TableColumn("p50 ms").RightAligned());
        table.AddColumn("Accuracy");
        table.AddColumn("Note");
        foreach (var trial in result.Trials.Where(t => t.BatchSize == result.ChoiceBatchSize))
        {
            bool chosen = trial.Candidate == result.ChosenCandidate;
            string accuracy = trial.AccuracyMetric is null ? "" :
                $"{trial.AccuracyMetric} {trial.AccuracyValue?.ToString("0.#####", CultureInfo.InvariantCulture)} {(trial.AccuracyOk == true ? "ok" : "FAIL")}";
            string note = trial.Error ?? trial.Note ?? "";
            table.AddRow(
                chosen ? $"[bold green]{Markup.Escape(trial.Candidate ?? "")} (chosen)[/]" : Markup.Escape(trial.Candidate ?? ""),
                trial.ThroughputPerSec > 0 ? trial.ThroughputPerSec.ToString("0.0", CultureInfo.InvariantCulture) : "-",
                trial.ThroughputPerSec > 0 ? trial.LatencyP50Ms.ToString("0.00", CultureInfo.InvariantCulture) : "-",
                Markup.Escape(accuracy),
                Markup.Escape(note.Length > 60 ? note[..57] + "..." : note));
        }

        console.Write(table);
        console.MarkupLine(
            $"Chosen [bold]{Markup.Escape(result.ChosenCandidate)}[/] ({Markup.Escape(result.Chosen.Settings.ToString())}): " +
            $"{result.Chosen.ThroughputPerSec:0.0} infer/s vs ONNX Runtime's defaults {result.Baseline.ThroughputPerSec:0.0} infer/s " +
            $"([bold]{result.Speedup:0.00}x[/]) at batch {result.ChoiceBatchSize}, tuned in {result.Elapsed.TotalSeconds:0} s");
        foreach (var note in result.Notes)
        {
            console.MarkupLine($"[grey]{Markup.Escape(note)}[/]");
        }
    }
}
