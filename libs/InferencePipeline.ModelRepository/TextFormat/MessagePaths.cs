using System.Collections;
using System.Globalization;
using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace InferencePipeline.ModelRepository.TextFormat;

/// <summary>
/// Names a message inside a config the same way in the parser, the writer and
/// <see cref="ModelConfigDocument.WithConfig"/>: <c>""</c> for the top level, <c>a.b</c> for nested fields,
/// <c>a[2]</c> for the third element of a repeated message, <c>a["k"]</c> for a map value. Unknown fields are
/// filed under these paths, so the writer can put each back into the block it came from; comments under the
/// path of the field, element or map entry they explain.
/// </summary>
internal static class MessagePaths
{
    public const string Top = "";

    public static string Field(string parent, string name) => parent.Length == 0 ? name : $"{parent}.{name}";

    public static string Element(string fieldPath, int index) =>
        $"{fieldPath}[{index.ToString(CultureInfo.InvariantCulture)}]";

    /// <summary>The key as text format writes it (strings quoted), so the path reads like the file.</summary>
    public static string MapValue(string fieldPath, FieldDescriptor keyField, object key) =>
        $"{fieldPath}[{ProtoTextWriter.FormatScalar(keyField, key)}]";

    /// <summary>A path relative to <paramref name="prefix"/> made absolute.</summary>
    public static string Join(string prefix, string relative) =>
        relative.Length == 0 ? prefix : prefix.Length == 0 ? relative : $"{prefix}.{relative}";

    /// <summary>
    /// An unknown field as a comment names it: its full name, and <c>[k]</c> after it for the k-th (from 1) field
    /// of that name in the same block, since a block may repeat an unknown field and each keeps its own comments.
    /// </summary>
    public static string Unknown(string path, string name, int occurrence) =>
        occurrence == 0 ? Field(path, name) : Element(Field(path, name), occurrence);

    /// <summary><see cref="Unknown"/> for each of <paramref name="fields"/>, counting occurrences in their order.</summary>
    public static IEnumerable<string> Unknown(IEnumerable<UnknownConfigField> fields)
    {
        var seen = new Dictionary<(string Path, string Name), int>();
        foreach (var field in fields)
        {
            int occurrence = seen.GetValueOrDefault((field.Path, field.Name));
            seen[(field.Path, field.Name)] = occurrence + 1;
            yield return Unknown(field.Path, field.Name, occurrence);
        }
    }

    /// <summary>Every message present in <paramref name="message"/>, the top level included.</summary>
    public static HashSet<string> Collect(IMessage message)
    {
        var paths = new HashSet<string>(StringComparer.Ordinal);
        Collect(message, Top, paths, fields: false);
        return paths;
    }

    /// <summary>
    /// Every path the writer writes for <paramref name="message"/>: the messages <see cref="Collect"/> gives,
    /// each field that is set, each element of a repeated message and each map entry.
    /// </summary>
    public static HashSet<string> CollectWritten(IMessage message)
    {
        var paths = new HashSet<string>(StringComparer.Ordinal);
        Collect(message, Top, paths, fields: true);
        return paths;
    }

    private static void Collect(IMessage message, string path, HashSet<string> paths, bool fields)
    {
        paths.Add(path);
        foreach (var field in message.Descriptor.Fields.InDeclarationOrder())
        {
            bool isMessage = field.FieldType is FieldType.Message or FieldType.Group;
            if (!isMessage && !fields)
            {
                continue;
            }

            string fieldPath = Field(path, field.Name);
            object value = field.Accessor.GetValue(message);
            if (field.IsMap)
            {
                var map = (IDictionary)value;
                var keyField = field.MessageType.FindFieldByNumber(1);
                var enumerator = map.GetEnumerator();
                while (enumerator.MoveNext())
                {
                    string entryPath = MapValue(fieldPath, keyField, enumerator.Key);
                    if (enumerator.Value is IMessage entryValue)
                    {
                        Collect(entryValue, entryPath, paths, fields);
                    }
                    else if (fields)
                    {
                        paths.Add(entryPath);
                    }
                }

                if (fields && map.Count > 0)
                {
                    paths.Add(fieldPath);
                }
            }
            else if (field.IsRepeated)
            {
                var list = (IList)value;
                for (int i = 0; isMessage && i < list.Count; i++)
                {
                    Collect((IMessage)list[i]!, Element(fieldPath, i), paths, fields);
                }

                if (fields && list.Count > 0)
                {
                    paths.Add(fieldPath);
                }
            }
            else if (isMessage)
            {
                if (field.Accessor.HasValue(message))
                {
                    Collect((IMessage)value, fieldPath, paths, fields);
                }
            }
            else if (ProtoTextWriter.IsSet(message, field, value))
            {
                paths.Add(fieldPath);
            }
        }
    }
}
