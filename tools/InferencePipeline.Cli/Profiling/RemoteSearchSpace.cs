using System.Globalization;
using InferencePipeline.Contracts;
using InferencePipeline.KServe;
using InferencePipeline.ModelAnalyzer;
using InferencePipeline.ModelAnalyzer.Config;
using InferencePipeline.ModelAnalyzer.Measuring;
using InferencePipeline.ModelAnalyzer.Profiling;

namespace InferencePipeline.Cli.Profiling;

/// <summary>
/// A model's profile as the services' ProfileModel command can carry it: the search space (preferred batch size ×
/// instance count × backend parameters, searched by brute force or quick search), the concurrencies, the latency
/// budget and throughput floor, and the inputs' shapes. Model Analyzer's automatic max_batch_size axis becomes the
/// preferred batch size (the profiler raises max_batch_size to it); a space or constraint the command cannot carry
/// is a <see cref="ProfileSetupException"/> saying to run the file in process instead.
/// </summary>
public static class RemoteSearchSpace
{
    public static SearchSpace From(ModelProfileJob job, MeasurementSettings settings)
    {
        if (job.Load.IsRequestRate || !job.Load.BatchSizes.SequenceEqual([1]))
        {
            throw Unsupported(job, "request_rate and batch_sizes other than [1]");
        }

        IReadOnlyList<int> preferred = [];
        IReadOnlyList<int> instances = [1];
        var parameters = new Dictionary<string, IReadOnlyList<string>>();
        foreach (var axis in job.Grid?.Axes ?? [])
        {
            switch (axis.Name)
            {
                case "max_batch_size":
                    preferred = axis.Labels.Select(Int).ToList();
                    break;
                case "dynamic_batching.preferred_batch_size" when axis.Labels.All(l => l.Count(c => c == ',') == 0):
                    preferred = axis.Labels.Select(l => Int(l.Trim('[', ']'))).ToList();
                    break;
                case "instance_group[0].count":
                    instances = axis.Labels.Select(Int).ToList();
                    break;
                case var name when name.StartsWith("parameters.", StringComparison.Ordinal):
                    parameters[name["parameters.".Length..]] = axis.Labels;
                    break;
                default:
                    throw Unsupported(job, $"the axis {axis.Name}");
            }
        }

        return new SearchSpace(
            job.Load.Values.Select(v => (int)v).ToList(),
            preferred,
            instances,
            job.Mode == ConfigSearchMode.Quick ? SearchMode.Quick : SearchMode.BruteForce,
            settings.LoadGen.WindowMs,
            settings.LoadGen.StabilityPercentage,
            settings.LoadGen.MaxTrials,
            parameters.Count == 0 ? null : parameters);
    }

    public static PipelineConstraints Constraints(ModelProfileJob job)
    {
        double? budget = null, floor = null;
        foreach (var c in job.Constraints.Constraints)
        {
            switch (c)
            {
                case { Metric: Metrics.LatencyP99 or "perf_latency", Min: null }:
                    budget = c.Max;
                    break;
                case { Metric: Metrics.Throughput, Max: null }:
                    floor = c.Min;
                    break;
                default:
                    throw Unsupported(job, $"the constraint on {c.Metric}");
            }
        }

        return new PipelineConstraints(budget, floor);
    }

    /// <summary>The model's inputs as the command names them, with the sizes perf_analyzer's --shape gives for dynamic dims.</summary>
    public static IReadOnlyList<TensorSpec> Inputs(Inference.ModelConfig config, IReadOnlyDictionary<string, long[]>? shapes) =>
        config.Input.Select(i => new TensorSpec(
            i.Name,
            TensorDataType.All.First(t => t.ConfigType == i.DataType).Name,
            (config.MaxBatchSize > 0 ? [-1L] : Array.Empty<long>()).Concat(shapes?.GetValueOrDefault(i.Name) ?? i.Dims.ToArray()).ToList())).ToList();

    private static int Int(string label) => int.Parse(label, NumberStyles.Integer, CultureInfo.InvariantCulture);

    private static ProfileSetupException Unsupported(ModelProfileJob job, string what) =>
        new($"Model '{job.ModelName}': the services' profile command cannot carry {what}; run this file without --remote to profile it in process.");
}
