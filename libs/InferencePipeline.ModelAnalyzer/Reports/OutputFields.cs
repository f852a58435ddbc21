using System.Globalization;
using InferencePipeline.Contracts;

namespace InferencePipeline.ModelAnalyzer.Reports;

/// <summary>
/// Model Analyzer's output fields (<c>inference_output_fields</c>, <c>server_output_fields</c>): each field's column
/// title as Model Analyzer writes it and its value for a row. Metrics come from <see cref="Metrics"/>;
/// <c>backend_parameter/&lt;key&gt;</c> is the config's backend parameter of that key. A field with no data here (GPU
/// counters on a CPU host, client phases this load generator does not split) is left out with a warning, as Model
/// Analyzer does.
/// </summary>
public static class OutputFields
{
    public const string BackendParameterPrefix = "backend_parameter/";

    private static readonly Dictionary<string, (string Header, Func<string, AnalyzedMeasurement, string> Value)> Common = new()
    {
        ["model_name"] = ("Model", (model, _) => model),
        ["batch_size"] = ("Batch", (_, m) => I(m.Measurement.BatchSize)),
        ["concurrency"] = ("Concurrency", (_, m) => m.Measurement.RequestRate is null ? I(m.Measurement.Concurrency) : ""),
        ["request_rate"] = ("Request Rate", (_, m) => m.Measurement.RequestRate is { } r ? r.ToString("0.##", CultureInfo.InvariantCulture) : ""),
        ["model_config_path"] = ("Model Config Path", (_, m) => m.Config.Name),
        ["instance_group"] = ("Instance Group", (_, m) => $"{m.Config.InstanceCount}:{m.Config.InstanceKind}"),
        ["max_batch_size"] = ("Max Batch Size", (_, m) => I(m.Config.MaxBatchSize)),
        ["dynamic_batch_sizes"] = ("Preferred Batch Sizes", (_, m) => PreferredSizes(m.Config)),
        ["satisfies_constraints"] = ("Satisfies Constraints", (_, m) => m.SatisfiesConstraints ? "Yes" : "No"),
    };

    /// <summary>The column title of a field, or null when it has no data here.</summary>
    public static string? Header(string field) =>
        Common.TryGetValue(field, out var common) ? common.Header
        : field.StartsWith(BackendParameterPrefix, StringComparison.Ordinal) ? field
        : Metrics.Find(field)?.Header;

    /// <summary>The fields that have data, in the order given; the others are named in <paramref name="warnings"/>.</summary>
    public static IReadOnlyList<string> Usable(IEnumerable<string> fields, string table, ICollection<string> warnings)
    {
        var usable = new List<string>();
        foreach (var field in fields)
        {
            if (Header(field) is null)
            {
                warnings.Add($"{table} output field \"{field}\" has no data{(Metrics.Unmeasured.Contains(field) ? " (not measured on this host)" : "")}; its column is left out");
            }
            else
            {
                usable.Add(field);
            }
        }

        return usable;
    }

    public static string Value(string field, string model, AnalyzedMeasurement row)
    {
        if (Common.TryGetValue(field, out var common))
        {
            return common.Value(model, row);
        }

        if (field.StartsWith(BackendParameterPrefix, StringComparison.Ordinal))
        {
            return row.Config.BackendParameters?.GetValueOrDefault(field[BackendParameterPrefix.Length..]) ?? "";
        }

        var metric = Metrics.Find(field)!;
        var value = metric.Value(row.Measurement);
        var format = metric.Tag == Metrics.Throughput ? "0.0" : "0.000";
        return value is { } v ? v.ToString(format, CultureInfo.InvariantCulture) : "";
    }

    public static string PreferredSizes(ProfiledConfig config) =>
        !config.DynamicBatching ? "Disabled"
        : config.PreferredBatchSizes.Count == 0 ? "Enabled"
        : "[" + string.Join(' ', config.PreferredBatchSizes) + "]";

    private static string I(int value) => value.ToString(CultureInfo.InvariantCulture);
}
