using System.Globalization;
using YamlDotNet.RepresentationModel;

namespace InferencePipeline.ModelAnalyzer.Config;

/// <summary>
/// Typed reads of YAML nodes for one file: each read knows the key path it is at, so a wrong type or value
/// becomes a <see cref="ModelAnalyzerConfigException"/> naming the file, the path, the line and what was expected;
/// keys nobody reads become warnings.
/// </summary>
internal sealed class YamlNodeReader(string source, ICollection<string> warnings)
{
    public string Source => source;

    public ModelAnalyzerConfigException Error(YamlNode node, string path, string problem) =>
        new(source, path, LineOf(node), problem);

    public static int LineOf(YamlNode node) => (int)node.Start.Line;

    public void Warn(YamlNode node, string path, string message) =>
        warnings.Add($"{source}: {path} (line {LineOf(node)}): {message}");

    /// <summary>The entries of a mapping; anything else is an error. A null (empty) value reads as an empty mapping.</summary>
    public IReadOnlyList<(string Key, YamlNode Value, string Path)> Entries(YamlNode node, string path)
    {
        if (IsNull(node))
        {
            return [];
        }

        if (node is not YamlMappingNode map)
        {
            throw Error(node, path, $"expected a mapping of keys to values, got {Describe(node)}");
        }

        var entries = new List<(string, YamlNode, string)>();
        foreach (var (keyNode, value) in map.Children)
        {
            var key = keyNode is YamlScalarNode { Value: { } k } ? k : throw Error(keyNode, path, "expected a plain key");
            entries.Add((key, value, Join(path, key)));
        }

        return entries;
    }

    /// <summary>Reads each entry of a mapping with the handler of its key; keys without one are warned about.</summary>
    public void ReadMapping(YamlNode node, string path, IReadOnlyDictionary<string, Action<YamlNode, string>> handlers, string context)
    {
        foreach (var (key, value, keyPath) in Entries(node, path))
        {
            if (handlers.TryGetValue(key, out var handle))
            {
                handle(value, keyPath);
            }
            else
            {
                Warn(value, keyPath, $"unknown key '{key}' in {context}; it is ignored");
            }
        }
    }

    public string String(YamlNode node, string path)
    {
        if (node is YamlScalarNode { Value: { } value } && !IsNull(node))
        {
            return value;
        }

        throw Error(node, path, $"expected a string, got {Describe(node)}");
    }

    public bool Bool(YamlNode node, string path)
    {
        var text = Scalar(node, path, "true or false");
        return text.ToLowerInvariant() switch
        {
            "true" or "yes" or "on" => true,
            "false" or "no" or "off" => false,
            _ => throw Error(node, path, $"expected true or false, got '{text}'"),
        };
    }

    public int Int(YamlNode node, string path, int min = int.MinValue)
    {
        var text = Scalar(node, path, "an integer");
        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value))
        {
            throw Error(node, path, $"expected an integer, got '{text}'");
        }

        return value >= min ? value : throw Error(node, path, $"expected an integer >= {min}, got {value}");
    }

    public double Number(YamlNode node, string path, double minExclusive = double.NegativeInfinity)
    {
        var text = Scalar(node, path, "a number");
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value))
        {
            throw Error(node, path, $"expected a number, got '{text}'");
        }

        return value > minExclusive ? value : throw Error(node, path, $"expected a number > {minExclusive}, got {text}");
    }

    /// <summary>
    /// A list of integers as Model Analyzer accepts one: a YAML list, one value, a comma-separated string
    /// ("1,2,4"), or a range mapping {start, stop, step}.
    /// </summary>
    public IReadOnlyList<int> IntList(YamlNode node, string path, int min)
    {
        switch (node)
        {
            case YamlSequenceNode seq when seq.Children.Count > 0:
                return seq.Children.Select((item, i) => Int(item, $"{path}[{i}]", min)).ToList();
            case YamlSequenceNode:
                throw Error(node, path, "expected at least one value, got an empty list");
            case YamlMappingNode:
                return Range(node, path, min);
            case YamlScalarNode { Value: { } text } when text.Contains(',', StringComparison.Ordinal):
                var parts = text.Split(',', StringSplitOptions.TrimEntries);
                var values = new List<int>(parts.Length);
                foreach (var part in parts)
                {
                    if (!int.TryParse(part, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) || v < min)
                    {
                        throw Error(node, path, $"expected integers >= {min} separated by commas, got '{text}'");
                    }

                    values.Add(v);
                }

                return values;
            default:
                return [Int(node, path, min)];
        }
    }

    public IReadOnlyList<double> NumberList(YamlNode node, string path, double minExclusive)
    {
        return node switch
        {
            YamlSequenceNode { Children.Count: > 0 } seq => seq.Children.Select((item, i) => Number(item, $"{path}[{i}]", minExclusive)).ToList(),
            YamlSequenceNode => throw Error(node, path, "expected at least one value, got an empty list"),
            YamlMappingNode => Range(node, path, (int)Math.Max(1, Math.Ceiling(minExclusive))).Select(v => (double)v).ToList(),
            YamlScalarNode { Value: { } text } when text.Contains(',', StringComparison.Ordinal) =>
                text.Split(',', StringSplitOptions.TrimEntries).Select(part =>
                    double.TryParse(part, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && v > minExclusive
                        ? v
                        : throw Error(node, path, $"expected numbers > {minExclusive} separated by commas, got '{text}'")).ToList(),
            _ => [Number(node, path, minExclusive)],
        };
    }

    /// <summary>A list of strings: a YAML list, one string, or a comma-separated string.</summary>
    public IReadOnlyList<string> StringList(YamlNode node, string path)
    {
        return node switch
        {
            YamlSequenceNode seq => seq.Children.Select((item, i) => String(item, $"{path}[{i}]")).ToList(),
            YamlScalarNode { Value: { } text } when !IsNull(node) => text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries),
            _ => throw Error(node, path, $"expected a list of strings, got {Describe(node)}"),
        };
    }

    public static bool IsNull(YamlNode node) =>
        node is YamlScalarNode scalar && scalar.Style == YamlDotNet.Core.ScalarStyle.Plain
                                      && (scalar.Value is null or "" or "~" or "null" or "Null" or "NULL");

    public static string Join(string path, string key) => path.Length == 0 ? key : $"{path}.{key}";

    public static string Describe(YamlNode node) => node switch
    {
        YamlMappingNode => "a mapping",
        YamlSequenceNode => "a list",
        _ when IsNull(node) => "nothing",
        YamlScalarNode s => $"'{s.Value}'",
        _ => "an unsupported YAML node",
    };

    private string Scalar(YamlNode node, string path, string expected) =>
        node is YamlScalarNode { Value: { } text } && !IsNull(node) ? text.Trim() : throw Error(node, path, $"expected {expected}, got {Describe(node)}");

    private IReadOnlyList<int> Range(YamlNode node, string path, int min)
    {
        int? start = null, stop = null, step = null;
        ReadMapping(node, path, new Dictionary<string, Action<YamlNode, string>>
        {
            ["start"] = (v, p) => start = Int(v, p, min),
            ["stop"] = (v, p) => stop = Int(v, p, min),
            ["step"] = (v, p) => step = Int(v, p, 1),
        }, "a range");
        if (start is null || stop is null)
        {
            throw Error(node, path, "a range needs 'start' and 'stop' (and optionally 'step')");
        }

        if (stop < start)
        {
            throw Error(node, path, $"a range's stop ({stop}) is below its start ({start})");
        }

        var values = new List<int>();
        for (var v = start.Value; v <= stop.Value; v += step ?? 1)
        {
            values.Add(v);
        }

        return values;
    }
}
