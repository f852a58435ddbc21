using System.Globalization;
using System.Text;
using InferencePipeline.ModelAnalyzer.Config;

namespace InferencePipeline.ModelAnalyzer.Profiling;

/// <summary>
/// <c>profile --dry-run</c>: each config a profile may measure (its name and settings) and the loads it would be
/// measured at, per model, and the line "N configs, at most M measurements". Reads the models' configs; writes and
/// measures nothing.
/// </summary>
public static class PlanPreview
{
    public static (string Text, int Configs, int MaxMeasurements) Describe(IReadOnlyList<ModelProfileJob> jobs)
    {
        var text = new StringBuilder();
        var configs = 0;
        var measurements = 0;
        foreach (var job in jobs)
        {
            var distinct = job.DistinctConfigs();
            var max = job.MaxMeasurements(distinct.Count);
            configs += distinct.Count;
            measurements += max;
            var loads = string.Join(", ", job.Load.Values.Select(v => v.ToString("0.##", CultureInfo.InvariantCulture)));
            text.Append(CultureInfo.InvariantCulture, $"{job.ModelName}: {distinct.Count} config{(distinct.Count == 1 ? "" : "s")}, ")
                .Append(job.Mode == ConfigSearchMode.Quick && job.Grid is { Axes.Count: > 0 }
                    ? $"quick search (hill climbing over {string.Join(" × ", job.Grid.Axes.Select(a => $"{a.Name} [{a.Count}]"))}; the best {job.NumConfigsPerModel} swept)"
                    : "brute search")
                .Append(CultureInfo.InvariantCulture, $", {(job.Load.IsRequestRate ? "request rates" : "concurrencies")} {loads}")
                .Append(job.Load.BatchSizes.SequenceEqual([1]) ? "" : $" at batch sizes {string.Join(", ", job.Load.BatchSizes)}")
                .Append(job.Constraints.HasLatencyBound ? $" (up to {job.Load.MaxBinarySearchSteps} more by binary search past the latency bound)" : "")
                .Append(CultureInfo.InvariantCulture, $", at most {max} measurements\n");
            foreach (var config in distinct)
            {
                text.Append("  ").Append(config.Name).Append(": ").Append(config.Describe()).Append('\n');
            }
        }

        text.Append(CultureInfo.InvariantCulture, $"{configs} configs, at most {measurements} measurements\n");
        return (text.ToString(), configs, measurements);
    }
}
