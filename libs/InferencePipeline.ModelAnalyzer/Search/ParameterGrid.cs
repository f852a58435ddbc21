using System.Globalization;
using System.Text.Json.Nodes;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Inference;
using InferencePipeline.Contracts;
using InferencePipeline.ModelAnalyzer.Config;
using InferencePipeline.ModelRepository;

namespace InferencePipeline.ModelAnalyzer.Search;

/// <summary>
/// The configs <c>model_config_parameters</c> describes, as Model Analyzer reads it: a list under a field that takes
/// one value is a list of choices (<c>count: [1, 2]</c>); under a repeated field a list of lists is a list of choices
/// (<c>preferred_batch_size: [[4], [8]]</c>) and a plain list is one value; a list of blocks (<c>instance_group</c>)
/// is one value whose blocks may hold choices. Every choice is one axis; the configs are their cross product, each
/// applied to the model's own config (<see cref="ConfigMerge"/>). <c>parameters</c> (the backend's, e.g. ONNX
/// Runtime's <c>intra_op_thread_count</c>) take a value or a list of choices per key.
/// Which fields take lists is read from the config's protobuf schema, so any field the server knows can be searched.
/// </summary>
public sealed class ParameterGrid : IConfigGrid
{
    private static readonly JsonParser Parser = new(JsonParser.Settings.Default);

    private readonly string _model;
    private readonly ModelConfigDocument _baseline;
    private readonly string _modelPath;
    private readonly Func<string, string> _uriOf;
    private readonly GpuFallback _gpu;
    private readonly string _source;
    private readonly string? _modelIdentity;
    private readonly List<SearchAxis> _axes = [];
    private readonly List<List<JsonNode>> _choices = [];
    private readonly Template _template;
    private readonly List<string> _fieldsSet = [];

    /// <param name="uriOf">Where the config of a name is written (a path or an artifact URI).</param>
    /// <param name="source">The YAML file, for errors.</param>
    /// <param name="warnings">Receives fields that cannot be set (not in the config schema), each named by its path.</param>
    /// <param name="modelIdentity">What identifies the model file (see <see cref="PlannedServingConfig.ModelIdentity"/>).</param>
    public ParameterGrid(
        string model, ModelConfigDocument baseline, string modelPath, ParameterMap parameters, Func<string, string> uriOf,
        GpuFallback gpu, string source, ICollection<string> warnings, string? modelIdentity = null)
    {
        _modelIdentity = modelIdentity;
        _model = model;
        _baseline = baseline;
        _modelPath = modelPath;
        _uriOf = uriOf;
        _gpu = gpu;
        _source = source;
        _template = Message(parameters, ModelConfig.Descriptor, "", warnings, topLevel: true);
    }

    public IReadOnlyList<SearchAxis> Axes => _axes;

    /// <summary>The config fields this space sets (top level), in the order written.</summary>
    public IReadOnlyList<string> FieldsSet => _fieldsSet;

    public PlannedServingConfig At(IReadOnlyList<int> coordinate)
    {
        var json = Render(_template, coordinate)!.ToJsonString();
        ModelConfig point;
        try
        {
            point = Parser.Parse<ModelConfig>(json);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new ModelAnalyzerConfigException(_source, $"profile_models.{_model}.model_config_parameters", 0,
                $"the values do not make a valid config ({e.Message})", e);
        }

        var name = $"{_model}_config_{this.LinearIndex(coordinate)}";
        var config = _gpu.Apply(ConfigMerge.Apply(_baseline.Config, point, _fieldsSet), _model);
        config.Name = name;
        return new PlannedServingConfig(name, ConfigVariant.TritonSearch, _baseline.WithConfig(config), _modelPath, _uriOf(name), _modelIdentity);
    }

    private Template Message(ParameterNode node, MessageDescriptor message, string name, ICollection<string> warnings, bool topLevel = false)
    {
        if (node is not ParameterMap map)
        {
            throw Error(node, $"expected the fields of {message.Name} as a mapping");
        }

        var fields = new List<(string, Template)>();
        foreach (var (key, value) in map.Entries)
        {
            var path = name.Length == 0 ? key : $"{name}.{key}";
            if (topLevel && key == ConfigMerge.ParametersField)
            {
                fields.Add((key, BackendParameters(value, path)));
                _fieldsSet.Add(key);
                continue;
            }

            var field = message.FindFieldByName(key);
            if (field is null)
            {
                warnings.Add($"{_source}: {value.Path} (line {value.Line}): '{key}' is not a field of {message.Name} this profiler can set; it is ignored");
                continue;
            }

            fields.Add((key, Field(field, value, path, warnings)));
            if (topLevel)
            {
                _fieldsSet.Add(key);
            }
        }

        return new ObjectTemplate(fields);
    }

    private Template Field(FieldDescriptor field, ParameterNode value, string path, ICollection<string> warnings)
    {
        if (field.IsMap)
        {
            throw Error(value, $"'{field.Name}' is a map; only 'parameters' can be searched among maps");
        }

        if (field.IsRepeated)
        {
            var items = value is ParameterList list ? list.Items : [value];
            if (items.Count > 0 && items.All(i => i is ParameterList))
            {
                return NewAxis(path, items.Select(i => (Label(i), Fixed(field, i))).ToList());
            }

            return field.FieldType == FieldType.Message
                ? new ArrayTemplate(items.Select((item, i) => Message(item, field.MessageType, $"{path}[{i}]", warnings)).ToList())
                : new FixedTemplate(new JsonArray(items.Select(i => Scalar(field, i)).ToArray()));
        }

        if (field.FieldType == FieldType.Message)
        {
            return value is ParameterList choices
                ? NewAxis(path, choices.Items.Select(i => (Label(i), Fixed(field, i))).ToList())
                : Message(value, field.MessageType, path, warnings);
        }

        return value is ParameterList scalars
            ? NewAxis(path, scalars.Items.Select(i => (Label(i), (JsonNode)Scalar(field, i))).ToList())
            : new FixedTemplate(Scalar(field, value));
    }

    /// <summary>The backend's parameters: key → value or list of choices, each a string (ModelParameter.string_value).</summary>
    private ObjectTemplate BackendParameters(ParameterNode node, string path)
    {
        if (node is not ParameterMap map)
        {
            throw Error(node, "expected a mapping of backend parameter names to a value or a list of values");
        }

        var entries = new List<(string, Template)>();
        foreach (var (key, raw) in map.Entries)
        {
            var value = raw is ParameterMap { Entries.Count: 1 } wrapped && wrapped["string_value"] is { } inner ? inner : raw;
            var keyPath = $"{path}.{key}";
            entries.Add((key, value switch
            {
                ParameterList list => NewAxis(keyPath, list.Items.Select(i => (Label(i), (JsonNode)StringValue(i))).ToList()),
                ParameterScalar => new FixedTemplate(StringValue(value)),
                _ => throw Error(value, "expected a value or a list of values (strings or numbers)"),
            }));
        }

        return new ObjectTemplate(entries);
    }

    private JsonObject StringValue(ParameterNode node) =>
        node is ParameterScalar s ? new JsonObject { ["string_value"] = s.Text } : throw Error(node, "expected a single value");

    private AxisTemplate NewAxis(string name, IReadOnlyList<(string Label, JsonNode Value)> choices)
    {
        if (choices.Count == 0)
        {
            throw new ModelAnalyzerConfigException(_source, name, 0, "an empty list of choices");
        }

        _axes.Add(new SearchAxis(name, choices.Select(c => c.Label).ToList()));
        _choices.Add(choices.Select(c => c.Value).ToList());
        return new AxisTemplate(_axes.Count - 1);
    }

    /// <summary>A choice: one whole value of the field, with no choices inside.</summary>
    private JsonNode Fixed(FieldDescriptor field, ParameterNode node)
    {
        if (field.IsRepeated && node is ParameterList list)
        {
            return new JsonArray(list.Items.Select(i => field.FieldType == FieldType.Message ? FixedMessage(field.MessageType, i) : Scalar(field, i)).ToArray());
        }

        return field.FieldType == FieldType.Message ? FixedMessage(field.MessageType, node) : Scalar(field, node);
    }

    private JsonNode FixedMessage(MessageDescriptor message, ParameterNode node)
    {
        if (node is not ParameterMap map)
        {
            throw Error(node, $"expected the fields of {message.Name} as a mapping");
        }

        var json = new JsonObject();
        foreach (var (key, value) in map.Entries)
        {
            var field = message.FindFieldByName(key) ?? throw Error(value, $"'{key}' is not a field of {message.Name}");
            if (value is ParameterList && !field.IsRepeated)
            {
                throw Error(value, "a list of choices cannot sit inside another choice; list the whole blocks instead");
            }

            json[key] = Fixed(field, value);
        }

        return json;
    }

    private JsonNode Scalar(FieldDescriptor field, ParameterNode node)
    {
        if (node is not ParameterScalar scalar)
        {
            throw Error(node, $"expected a single value for '{field.Name}'");
        }

        var text = scalar.Text;
        switch (field.FieldType)
        {
            case FieldType.Int32 or FieldType.Int64 or FieldType.UInt32 or FieldType.UInt64 or FieldType.SInt32 or FieldType.SInt64
                or FieldType.Fixed32 or FieldType.Fixed64 or FieldType.SFixed32 or FieldType.SFixed64:
                return long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var integer)
                    ? JsonValue.Create(integer)
                    : throw Error(node, $"expected an integer for '{field.Name}', got '{text}'");
            case FieldType.Float or FieldType.Double:
                return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number)
                    ? JsonValue.Create(number)
                    : throw Error(node, $"expected a number for '{field.Name}', got '{text}'");
            case FieldType.Bool:
                return text.ToLowerInvariant() is "true" or "false"
                    ? JsonValue.Create(text.Equals("true", StringComparison.OrdinalIgnoreCase))
                    : throw Error(node, $"expected true or false for '{field.Name}', got '{text}'");
            case FieldType.Enum:
                return field.EnumType.FindValueByName(text) is not null
                    ? JsonValue.Create(text)
                    : throw Error(node, $"expected one of {string.Join(", ", field.EnumType.Values.Select(v => v.Name))} for '{field.Name}', got '{text}'");
            default:
                return JsonValue.Create(text);
        }
    }

    private static string Label(ParameterNode node) => node switch
    {
        ParameterScalar s => s.Text,
        ParameterList l => "[" + string.Join(", ", l.Items.Select(Label)) + "]",
        ParameterMap m => "{" + string.Join(", ", m.Entries.Select(e => $"{e.Key}: {Label(e.Value)}")) + "}",
        _ => "?",
    };

    private JsonNode? Render(Template template, IReadOnlyList<int> coordinate) => template switch
    {
        FixedTemplate f => f.Value.DeepClone(),
        AxisTemplate a => _choices[a.Axis][coordinate[a.Axis]].DeepClone(),
        ObjectTemplate o => new JsonObject(o.Fields.Select(f => KeyValuePair.Create(f.Key, Render(f.Value, coordinate)))),
        ArrayTemplate arr => new JsonArray(arr.Items.Select(i => Render(i, coordinate)).ToArray()),
        _ => throw new InvalidOperationException("unknown template"),
    };

    private ModelAnalyzerConfigException Error(ParameterNode node, string problem) => new(_source, node.Path, node.Line, problem);

    private abstract record Template;

    private sealed record FixedTemplate(JsonNode Value) : Template;

    private sealed record AxisTemplate(int Axis) : Template;

    private sealed record ObjectTemplate(IReadOnlyList<(string Key, Template Value)> Fields) : Template;

    private sealed record ArrayTemplate(IReadOnlyList<Template> Items) : Template;
}
