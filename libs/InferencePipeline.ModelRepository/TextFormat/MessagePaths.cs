using System.Collections;
using System.Globalization;
using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace InferencePipeline.ModelRepository.TextFormat;

/// <summary>
/// Names a message inside a config the same way in the parser, the writer and
/// <see cref="ModelConfigDocument.WithConfig"/>: <c>""</c> for the top level, <c>a.b</c> for nested fields,
/// <c>a[2]</c> for the third element of a repeated message, <c>a["k"]</c> for a map value. Unknown fields are
/// filed under these paths, so the writer can put each back into the block it came from.
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

    /// <summary>Every message present in <paramref name="message"/>, the top level included.</summary>
    public static HashSet<string> Collect(IMessage message)
    {
        var paths = new HashSet<string>(StringComparer.Ordinal);
        Collect(message, Top, paths);
        return paths;
    }

    private static void Collect(IMessage message, string path, HashSet<string> paths)
    {
        paths.Add(path);
        foreach (var field in message.Descriptor.Fields.InDeclarationOrder())
        {
            if (field.FieldType is not (FieldType.Message or FieldType.Group))
            {
                continue;
            }

            string fieldPath = Field(path, field.Name);
            if (field.IsMap)
            {
                var keyField = field.MessageType.FindFieldByNumber(1);
                var enumerator = ((IDictionary)field.Accessor.GetValue(message)).GetEnumerator();
                while (enumerator.MoveNext())
                {
                    if (enumerator.Value is IMessage value)
                    {
                        Collect(value, MapValue(fieldPath, keyField, enumerator.Key), paths);
                    }
                }
            }
            else if (field.IsRepeated)
            {
                var list = (IList)field.Accessor.GetValue(message);
                for (int i = 0; i < list.Count; i++)
                {
                    Collect((IMessage)list[i]!, Element(fieldPath, i), paths);
                }
            }
            else if (field.Accessor.HasValue(message))
            {
                Collect((IMessage)field.Accessor.GetValue(message), fieldPath, paths);
            }
        }
    }
}
