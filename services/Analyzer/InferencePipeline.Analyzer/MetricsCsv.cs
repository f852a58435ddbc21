using System.Globalization;
using System.Text;

namespace InferencePipeline.Analyzer;

/// <summary>
/// <c>results/metrics-model-inference.csv</c> as Model Analyzer exports it for the seed's
/// <c>inference_output_fields</c> (model_name, batch_size, concurrency, model_config_path, instance_group,
/// dynamic_batch_sizes, satisfies_constraints, perf_throughput, perf_latency_p99), with Model Analyzer's
/// column titles so scripts written for its CSV (the seed's Plot_Performance_Results.py) read ours.
/// Differences, on purpose: instance groups are "N:CPU" (we serve on CPU unless Triton runs the config), and
/// latency keeps three decimals instead of one because CPU latencies are often below a millisecond.
/// </summary>
public static class MetricsCsv
{
    public static IReadOnlyList<string> Headers { get; } =
    [
        "Model", "Batch", "Concurrency", "Model Config Path", "Instance Group", "Preferred Batch Sizes",
        "Satisfies Constraints", "Throughput (infer/sec)", "p99 Latency (ms)",
    ];

    public static string Write(ResultsAnalysis analysis)
    {
        var csv = new StringBuilder();
        csv.AppendJoin(',', Headers).Append('\n');
        foreach (var row in analysis.Measurements)
        {
            var config = row.Config;
            csv.AppendJoin(',',
                Field(analysis.ModelName),
                "1", // the profiler sends one sample per request, like perf_analyzer's default -b 1
                row.Measurement.Concurrency.ToString(CultureInfo.InvariantCulture),
                Field(config.Name),
                Field($"{config.InstanceCount}:CPU"),
                Field(config.DynamicBatching ? "[" + string.Join(' ', config.PreferredBatchSizes) + "]" : "Disabled"),
                row.SatisfiesConstraints ? "Yes" : "No",
                row.Stats.ThroughputPerSec.ToString("0.0", CultureInfo.InvariantCulture),
                row.Stats.P99Ms.ToString("0.000", CultureInfo.InvariantCulture))
                .Append('\n');
        }

        return csv.ToString();
    }

    /// <summary>RFC 4180 quoting for the free-text fields (config names come from users).</summary>
    private static string Field(string value) =>
        value.IndexOfAny([',', '"', '\n', '\r']) < 0 ? value : "\"" + value.Replace("\"", "\"\"") + "\"";
}
