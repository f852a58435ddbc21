using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Inference;

namespace InferencePipeline.InferenceServer.Http;

/// <summary>
/// ModelConfig as Triton's <c>GET /v2/models/{name}/config</c> shows it: proto field names, default values
/// included, and 64-bit integers (dims, max_queue_delay_microseconds...) as JSON numbers. Protobuf's JSON
/// mapping writes those as strings, which clients reading <c>config["input"][0]["dims"]</c> do not expect, so
/// the formatter's output is walked with the message descriptor and those strings turned back into numbers.
/// </summary>
internal static class ConfigJson
{
    private static readonly JsonFormatter Formatter =
        new(JsonFormatter.Settings.Default.WithPreserveProtoFieldNames(true).WithFormatDefaultValues(true));

    public static string Format(ModelConfig config)
    {
        var node = JsonNode.Parse(Formatter.Format(config))!;
        FixMessage(node.AsObject(), ModelConfig.Descriptor);
        return node.ToJsonString();
    }

    private static void FixMessage(JsonObject json, MessageDescriptor descriptor)
    {
        foreach (var (name, value) in json.ToArray())
        {
            if (value is null || descriptor.FindFieldByName(name) is not { } field)
            {
                continue;
            }
            if (field.IsMap)
            {
                var valueField = field.MessageType.FindFieldByNumber(2);
                var map = value.AsObject();
                foreach (var (key, entry) in map.ToArray())
                {
                    if (entry is not null && Fix(entry, valueField) is { } number)
                    {
                        map[key] = number;
                    }
                }
            }
            else if (field.IsRepeated)
            {
                var array = value.AsArray();
                for (var i = 0; i < array.Count; i++)
                {
                    if (array[i] is { } item && Fix(item, field) is { } number)
                    {
                        array[i] = number;
                    }
                }
            }
            else if (Fix(value, field) is { } number)
            {
                json[name] = number;
            }
        }
    }

    /// <summary>Fixes nested messages in place; returns a replacement only for a 64-bit integer written as a string.</summary>
    private static JsonNode? Fix(JsonNode value, FieldDescriptor field)
    {
        if (field.FieldType == FieldType.Message)
        {
            if (value is JsonObject nested)
            {
                FixMessage(nested, field.MessageType);
            }
            return null;
        }
        if (value.GetValueKind() != JsonValueKind.String)
        {
            return null;
        }
        var text = value.GetValue<string>();
        return field.FieldType switch
        {
            FieldType.Int64 or FieldType.SInt64 or FieldType.SFixed64
                when long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var signed) => JsonValue.Create(signed),
            FieldType.UInt64 or FieldType.Fixed64
                when ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var unsigned) => JsonValue.Create(unsigned),
            _ => null,
        };
    }
}
