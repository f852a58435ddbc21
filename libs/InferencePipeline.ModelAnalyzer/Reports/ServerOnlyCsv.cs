using System.Text;

namespace InferencePipeline.ModelAnalyzer.Reports;

/// <summary>
/// <c>results/metrics-server-only.csv</c>: Model Analyzer's server-only table, whose rows are the server's GPU counters
/// measured with no load, one per GPU. The header has the column titles of the <c>server_output_fields</c> that have
/// data; on a host without a GPU that leaves the model column and no row.
/// </summary>
public static class ServerOnlyCsv
{
    private static readonly Dictionary<string, string> Headers = new()
    {
        ["model_name"] = "Model",
        ["gpu_uuid"] = "GPU UUID",
        ["gpu_used_memory"] = "GPU Memory Usage (MB)",
        ["gpu_utilization"] = "GPU Utilization (%)",
        ["gpu_power_usage"] = "GPU Power Usage (W)",
        ["gpu_free_memory"] = "GPU Free Memory (MB)",
        ["gpu_total_memory"] = "GPU Total Memory (MB)",
    };

    public static string Write(IReadOnlyList<string> fields, bool gpuCountersAvailable, ICollection<string> warnings)
    {
        var usable = new List<string>();
        foreach (var field in fields)
        {
            if (Headers.ContainsKey(field) && (field == "model_name" || gpuCountersAvailable))
            {
                usable.Add(Headers[field]);
            }
            else
            {
                warnings.Add($"Server output field \"{field}\" has no data{(Headers.ContainsKey(field) ? " (no GPU counters on this host)" : "")}; its column is left out");
            }
        }

        return new StringBuilder().AppendJoin(',', usable.Select(MetricsCsv.Field)).Append('\n').ToString();
    }
}
