using System.Globalization;
using System.Text;
using InferencePipeline.Contracts;
using InferencePipeline.ModelRepository;

namespace InferencePipeline.OrtTuner;

/// <summary>
/// <c>ort-tuning.csv</c>: one row per candidate and batch size, ONNX Runtime's defaults named <c>default</c>, exactly one
/// row <c>chosen</c> = <c>yes</c> (the chosen candidate at the batch size the choice was made at). Empty cells where a
/// figure does not exist (a skipped or rejected candidate has no timing); <c>note</c> says why, or what was done.
/// </summary>
public static class OrtTuningCsv
{
    public const string FileName = "ort-tuning.csv";

    public const string Header =
        "candidate,execution_provider,precision,graph_optimization_level,intra_op_threads,inter_op_threads,execution_mode," +
        "batch_size,throughput_infer_per_sec,latency_p50_ms,latency_p99_ms,max_abs_error,accuracy_metric,accuracy_ok,chosen,note";

    public static string Format(OrtTuningResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var csv = new StringBuilder(Header).Append('\n');
        foreach (var trial in result.Trials)
        {
            bool chosen = trial.Candidate == result.ChosenCandidate && trial.BatchSize == result.ChoiceBatchSize;
            bool measured = trial.ThroughputPerSec > 0;
            var s = trial.Settings;
            csv.AppendJoin(',',
                Quote(trial.Candidate ?? CandidateNames.For(s)),
                Quote(OrtExecutionProviderNames.Normalize(s.ExecutionProvider)),
                Quote(OrtConfigParameters.NormalizePrecision(s.Precision)),
                Number(s.GraphOptimizationLevel),
                Number(s.IntraOpThreads),
                Number(s.InterOpThreads),
                Quote(OrtConfigParameters.NormalizeExecutionMode(s.ExecutionMode)),
                Number(trial.BatchSize),
                measured ? Decimal(trial.ThroughputPerSec, "0.##") : "",
                measured ? Decimal(trial.LatencyP50Ms, "0.###") : "",
                measured ? Decimal(trial.LatencyP99Ms, "0.###") : "",
                trial.MaxAbsDiff is { } diff ? Decimal(diff, "G4") : "",
                Quote(trial.AccuracyMetric is { } metric ? $"{metric} {trial.AccuracyValue?.ToString("0.#####", CultureInfo.InvariantCulture)}".Trim() : ""),
                trial.AccuracyOk switch { true => "yes", false => "no", null => "" },
                chosen ? "yes" : "no",
                Quote(string.Join("; ", new[] { trial.Error, trial.Note }.Where(p => !string.IsNullOrEmpty(p)))));
            csv.Append('\n');
        }

        return csv.ToString();
    }

    private static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Decimal(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);

    /// <summary>RFC 4180: a field with a comma, quote or line break goes in quotes, its quotes doubled.</summary>
    private static string Quote(string text) =>
        text.IndexOfAny([',', '"', '\n', '\r']) < 0 ? text : $"\"{text.Replace("\"", "\"\"", StringComparison.Ordinal)}\"";
}
