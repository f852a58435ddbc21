using System.Globalization;
using InferencePipeline.Contracts;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace InferencePipeline.ModelAnalyzer.Config;

/// <summary>The load, perf_analyzer flags, constraints, objectives and output fields.</summary>
internal sealed partial class ModelAnalyzerYamlReader
{
    private LoadParameters Load(YamlNode node, string path)
    {
        var load = LoadParameters.None;
        r.ReadMapping(node, path, new Dictionary<string, Action<YamlNode, string>>
        {
            ["concurrency"] = (v, p) => load = load with { Concurrency = r.IntList(v, p, 1) },
            ["batch_sizes"] = (v, p) => load = load with { BatchSizes = r.IntList(v, p, 1) },
            ["request_rate"] = (v, p) => load = load with { RequestRate = r.NumberList(v, p, 0) },
        }, "parameters");
        return load.Concurrency is not null && load.RequestRate is not null
            ? throw r.Error(node, path, "'concurrency' and 'request_rate' exclude each other: a sweep measures one kind of load")
            : load;
    }

    private PerfAnalyzerFlags Flags(YamlNode node, string path)
    {
        var flags = PerfAnalyzerFlags.None;
        r.ReadMapping(node, path, new Dictionary<string, Action<YamlNode, string>>
        {
            ["shape"] = (v, p) => flags = flags with { Shapes = Shapes(v, p) },
            ["measurement-interval"] = (v, p) => flags = flags with { MeasurementIntervalMs = r.Int(v, p, 1) },
            ["percentile"] = (v, p) => flags = flags with { Percentile = Percentile(v, p) },
            ["input-data"] = (v, p) => flags = flags with { InputData = InputData(v, p) },
            ["stability-percentage"] = (v, p) => flags = flags with { StabilityPercentage = Stability(v, p) },
            ["max-trials"] = (v, p) => flags = flags with { MaxTrials = r.Int(v, p, 3) },
        }, "perf_analyzer_flags (supported: shape, measurement-interval, percentile, input-data, stability-percentage, max-trials)");
        return flags;
    }

    private int Percentile(YamlNode node, string path)
    {
        var value = r.Int(node, path, 1);
        return value is 50 or 90 or 95 or 99 ? value : throw r.Error(node, path, $"expected 50, 90, 95 or 99, got {value}");
    }

    private double Stability(YamlNode node, string path)
    {
        var value = r.Number(node, path, 0);
        return value < 100 ? value : throw r.Error(node, path, $"expected a percentage in (0, 100), got {value}");
    }

    private string InputData(YamlNode node, string path)
    {
        var text = r.String(node, path).Trim();
        return text is "random" or "zero" ? text : Path.GetFullPath(text, baseDirectory);
    }

    /// <summary>perf_analyzer's "--shape name:d1,d2", one string or a list of them.</summary>
    private IReadOnlyDictionary<string, long[]> Shapes(YamlNode node, string path)
    {
        var shapes = new Dictionary<string, long[]>();
        var items = node is YamlSequenceNode seq ? seq.Children.Select((c, i) => (c, $"{path}[{i}]")).ToList() : [(node, path)];
        foreach (var (item, itemPath) in items)
        {
            var text = r.String(item, itemPath);
            var colon = text.LastIndexOf(':');
            var dims = colon > 0 ? text[(colon + 1)..].Split(',', StringSplitOptions.TrimEntries) : [];
            var parsed = dims.Select(d => long.TryParse(d, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) && v > 0 ? v : -1).ToArray();
            if (colon <= 0 || parsed.Length == 0 || parsed.Any(d => d < 1))
            {
                throw r.Error(item, itemPath, $"expected 'input_name:dim1,dim2' with positive dims (perf_analyzer's --shape), got '{text}'");
            }

            shapes[text[..colon]] = parsed;
        }

        return shapes;
    }

    private IReadOnlyList<MetricConstraint> Constraints(YamlNode node, string path)
    {
        var list = new List<MetricConstraint>();
        foreach (var (metric, value, metricPath) in r.Entries(node, path))
        {
            if (Metrics.Unmeasured.Contains(metric))
            {
                r.Warn(value, metricPath, $"'{metric}' is not measured by this profiler (no GPU/host counters); the constraint is ignored");
                continue;
            }

            if (Metrics.Find(metric)?.FromStats is null)
            {
                throw r.Error(value, metricPath, $"unknown metric '{metric}'; constraints take {string.Join(", ", Metrics.StatTags)}");
            }

            double? min = null, max = null;
            r.ReadMapping(value, metricPath, new Dictionary<string, Action<YamlNode, string>>
            {
                ["min"] = (v, p) => min = r.Number(v, p, 0),
                ["max"] = (v, p) => max = r.Number(v, p, 0),
            }, $"constraint '{metric}' (min, max)");
            if (min is null && max is null)
            {
                throw r.Error(value, metricPath, "a constraint needs 'min' or 'max'");
            }

            list.Add(new MetricConstraint(metric, min, max));
        }

        return list;
    }

    /// <summary>A list of metrics (equal weights) or a mapping of metric to weight, as Model Analyzer takes them.</summary>
    private IReadOnlyList<Objective> Objectives(YamlNode node, string path)
    {
        var objectives = new List<Objective>();
        if (node is YamlMappingNode)
        {
            foreach (var (metric, value, metricPath) in r.Entries(node, path))
            {
                objectives.Add(new Objective(ObjectiveMetric(metric, value, metricPath), YamlNodeReader.IsNull(value) ? 1 : r.Number(value, metricPath, 0)));
            }
        }
        else
        {
            objectives.AddRange(r.StringList(node, path).Select(metric => new Objective(ObjectiveMetric(metric, node, path), 1)));
        }

        return objectives.Count > 0 ? objectives : throw r.Error(node, path, "names no objective");
    }

    private string ObjectiveMetric(string metric, YamlNode node, string path) =>
        Metrics.Find(metric)?.FromStats is not null
            ? metric
            : throw r.Error(node, path, $"unknown objective '{metric}'; objectives take {string.Join(", ", Metrics.StatTags)}");

    private IReadOnlyList<string> Fields(YamlNode node, string path)
    {
        var fields = r.StringList(node, path);
        return fields.Count > 0 ? fields : throw r.Error(node, path, "names no field");
    }
}
