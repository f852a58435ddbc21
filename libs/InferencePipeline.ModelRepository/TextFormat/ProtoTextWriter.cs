using System.Collections;
using System.Globalization;
using System.Text;
using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace InferencePipeline.ModelRepository.TextFormat;

/// <summary>
/// Writes any generated message as protobuf text format in the layout Triton's own examples use:
/// repeated messages as <c>input [ { ... }, { ... } ]</c>, repeated scalars as <c>dims: [ 256 ]</c>,
/// maps as one <c>parameters { key: ... value { ... } }</c> block per entry (sorted by key so the output is
/// stable), enums by name, fields in declaration order, and only fields that are set. Unknown fields kept
/// by the parser go at the end of the block they came from (found by <see cref="MessagePaths"/>), as written.
/// Comments go back where their path and placement say; those whose field is not written are not either.
/// </summary>
internal sealed class ProtoTextWriter
{
    private const int IndentStep = 2;
    private readonly StringBuilder _out = new();
    private readonly Dictionary<string, List<UnknownConfigField>> _unknownByPath = new(StringComparer.Ordinal);
    private readonly ILookup<string, ConfigComment> _comments;
    private int _unknownLeft;

    private ProtoTextWriter(IEnumerable<ConfigComment> comments) => _comments = comments.ToLookup(c => c.Path, StringComparer.Ordinal);

    public static string Write(IMessage message) => Write(message, [], []);

    /// <exception cref="InvalidOperationException">An unknown field's block is not in <paramref name="message"/>.</exception>
    public static string Write(IMessage message, IReadOnlyList<UnknownConfigField> unknownFields, IReadOnlyList<ConfigComment> comments)
    {
        var writer = new ProtoTextWriter(comments);
        foreach (var field in unknownFields)
        {
            if (!writer._unknownByPath.TryGetValue(field.Path, out var list))
            {
                writer._unknownByPath[field.Path] = list = [];
            }

            list.Add(field);
        }

        writer._unknownLeft = unknownFields.Count;
        writer.WriteFields(message, 0, MessagePaths.Top);
        if (writer._unknownLeft > 0)
        {
            // Writing them elsewhere would change their meaning; dropping them silently is what this type exists to avoid.
            var homeless = writer._unknownByPath.Values.SelectMany(l => l).Select(f => $"'{f.FullName}' (line {f.Line})");
            throw new InvalidOperationException(
                $"unknown field(s) {string.Join(", ", homeless)} belong in blocks the config no longer has; use ModelConfigDocument.WithConfig to drop them with their blocks");
        }

        return writer._out.ToString();
    }

    private void WriteFields(IMessage message, int indent, string path)
    {
        foreach (var field in message.Descriptor.Fields.InDeclarationOrder())
        {
            object value = field.Accessor.GetValue(message);
            string fieldPath = MessagePaths.Field(path, field.Name);
            if (field.IsMap)
            {
                WriteMap(field, (IDictionary)value, indent, fieldPath);
            }
            else if (field.IsRepeated)
            {
                WriteRepeated(field, (IList)value, indent, fieldPath);
            }
            else if (IsSet(message, field, value))
            {
                WriteSingle(field.Name, field, value, indent, fieldPath);
            }
        }

        WriteUnknown(path, indent);
        Comments(path, ConfigCommentPlacement.End, indent);
    }

    /// <summary>
    /// Writes the unknown fields of one block as written, continuation lines moved by the same amount as the
    /// first so nested blocks keep their shape (text format strings cannot span lines, so this never changes a value).
    /// </summary>
    private void WriteUnknown(string path, int indent)
    {
        if (_unknownByPath.Count == 0 || !_unknownByPath.Remove(path, out var fields))
        {
            return;
        }

        var commentPaths = MessagePaths.Unknown(fields).ToList();
        for (int f = 0; f < fields.Count; f++)
        {
            var field = fields[f];
            Comments(commentPaths[f], ConfigCommentPlacement.Leading, indent);
            var lines = field.Text.Split('\n');
            for (int i = 0; i < lines.Length; i++)
            {
                string line = lines[i].TrimEnd('\r');
                int strip = 0;
                while (i > 0 && strip < field.Column - 1 && strip < line.Length && line[strip] is ' ' or '\t')
                {
                    strip++;
                }

                line = line[strip..];
                Line(indent, i == lines.Length - 1 ? Trail(line, commentPaths[f], ConfigCommentPlacement.Trailing) : line);
            }

            _unknownLeft--;
        }
    }

    /// <summary>Whether the writer writes a singular field (set, or for fields without presence, not the default).</summary>
    internal static bool IsSet(IMessage message, FieldDescriptor field, object? value)
    {
        if (field.HasPresence)
        {
            return field.Accessor.HasValue(message);
        }

        return value switch
        {
            null => false,
            string s => s.Length > 0,
            ByteString b => !b.IsEmpty,
            bool b => b,
            Enum e => Convert.ToInt32(e, CultureInfo.InvariantCulture) != 0,
            float f => f != 0 || float.IsNegative(f),
            double d => d != 0 || double.IsNegative(d),
            IConvertible c => c.ToDecimal(CultureInfo.InvariantCulture) != 0,
            _ => true,
        };
    }

    private void WriteSingle(string name, FieldDescriptor field, object value, int indent, string fieldPath)
    {
        Comments(fieldPath, ConfigCommentPlacement.Leading, indent);
        if (value is IMessage child)
        {
            Line(indent, Trail($"{name} {{", fieldPath, ConfigCommentPlacement.Trailing));
            WriteFields(child, indent + IndentStep, fieldPath);
            Line(indent, Trail("}", fieldPath, ConfigCommentPlacement.Closing));
        }
        else
        {
            Line(indent, Trail($"{name}: {FormatScalar(field, value)}", fieldPath, ConfigCommentPlacement.Trailing));
        }
    }

    private void WriteRepeated(FieldDescriptor field, IList values, int indent, string fieldPath)
    {
        if (values.Count == 0)
        {
            return;
        }

        Comments(fieldPath, ConfigCommentPlacement.Leading, indent);
        if (field.FieldType is not (FieldType.Message or FieldType.Group))
        {
            var items = values.Cast<object>().Select(v => FormatScalar(field, v));
            Line(indent, Trail($"{field.Name}: [ {string.Join(", ", items)} ]", fieldPath, ConfigCommentPlacement.Trailing));
            return;
        }

        Line(indent, Trail($"{field.Name} [", fieldPath, ConfigCommentPlacement.Trailing));
        for (int i = 0; i < values.Count; i++)
        {
            string elementPath = MessagePaths.Element(fieldPath, i);
            Comments(elementPath, ConfigCommentPlacement.Leading, indent + IndentStep);
            Line(indent + IndentStep, Trail("{", elementPath, ConfigCommentPlacement.Trailing));
            WriteFields((IMessage)values[i]!, indent + 2 * IndentStep, elementPath);
            Line(indent + IndentStep, Trail(i == values.Count - 1 ? "}" : "},", elementPath, ConfigCommentPlacement.Closing));
        }

        Comments(fieldPath, ConfigCommentPlacement.End, indent + IndentStep);
        Line(indent, Trail("]", fieldPath, ConfigCommentPlacement.Closing));
    }

    private void WriteMap(FieldDescriptor field, IDictionary map, int indent, string fieldPath)
    {
        if (map.Count == 0)
        {
            return; // nor its comments
        }

        var keyField = field.MessageType.FindFieldByNumber(1);
        var valueField = field.MessageType.FindFieldByNumber(2);
        // IDictionary's own enumerator: MapField's generic one yields KeyValuePair, not DictionaryEntry.
        var entries = new List<DictionaryEntry>(map.Count);
        var enumerator = map.GetEnumerator();
        while (enumerator.MoveNext())
        {
            entries.Add(enumerator.Entry);
        }

        entries.Sort((a, b) => CompareKeys(a.Key, b.Key));
        // Comments on a map as a whole come only from its rare list form ("parameters [ {...} ]"), which is not
        // written back: they go on lines of their own around the entries.
        Comments(fieldPath, ConfigCommentPlacement.Leading, indent);
        foreach (var entry in entries)
        {
            string entryPath = MessagePaths.MapValue(fieldPath, keyField, entry.Key);
            Comments(entryPath, ConfigCommentPlacement.Leading, indent);
            Line(indent, Trail($"{field.Name} {{", entryPath, ConfigCommentPlacement.Trailing));
            Line(indent + IndentStep, $"key: {FormatScalar(keyField, entry.Key)}");
            if (entry.Value is IMessage child)
            {
                Line(indent + IndentStep, "value {");
                WriteFields(child, indent + 2 * IndentStep, entryPath);
                Line(indent + IndentStep, "}");
            }
            else
            {
                Line(indent + IndentStep, $"value: {FormatScalar(valueField, entry.Value!)}");
                Comments(entryPath, ConfigCommentPlacement.End, indent + IndentStep);
            }

            Line(indent, Trail("}", entryPath, ConfigCommentPlacement.Closing));
        }

        Comments(fieldPath, ConfigCommentPlacement.Trailing, indent);
        Comments(fieldPath, ConfigCommentPlacement.End, indent);
        Comments(fieldPath, ConfigCommentPlacement.Closing, indent);
    }

    private static int CompareKeys(object a, object b) => a is string sa && b is string sb
        ? string.CompareOrdinal(sa, sb)
        : Comparer.DefaultInvariant.Compare(a, b);

    /// <summary>The full-line comments of <paramref name="path"/> at <paramref name="placement"/>, one line each.</summary>
    private void Comments(string path, ConfigCommentPlacement placement, int indent)
    {
        foreach (var comment in _comments[path])
        {
            if (comment.Placement == placement)
            {
                Line(indent, comment.Text);
            }
        }
    }

    /// <summary><paramref name="text"/> with the comments of <paramref name="path"/> at <paramref name="placement"/> after it on the line.</summary>
    private string Trail(string text, string path, ConfigCommentPlacement placement)
    {
        var trailing = _comments[path].Where(c => c.Placement == placement).Select(c => c.Text).ToList();
        return trailing.Count == 0 ? text : $"{text}  {string.Join("  ", trailing)}";
    }

    private void Line(int indent, string text) =>
        (text.Length == 0 ? _out : _out.Append(' ', indent)).Append(text).Append('\n');

    internal static string FormatScalar(FieldDescriptor field, object value) => value switch
    {
        string s => Quote(Encoding.UTF8.GetBytes(s), keepUtf8: true),
        ByteString b => Quote(b.ToByteArray(), keepUtf8: false),
        bool b => b ? "true" : "false",
        Enum e => FormatEnum(field, Convert.ToInt32(e, CultureInfo.InvariantCulture)),
        float f => FormatFloating(f, f.ToString("R", CultureInfo.InvariantCulture)),
        double d => FormatFloating(d, d.ToString("R", CultureInfo.InvariantCulture)),
        IFormattable n => n.ToString(null, CultureInfo.InvariantCulture),
        _ => throw new InvalidOperationException($"cannot format {value.GetType()} for field '{field.Name}'"),
    };

    private static string FormatEnum(FieldDescriptor field, int number) =>
        field.EnumType.FindValueByNumber(number)?.Name ?? number.ToString(CultureInfo.InvariantCulture);

    private static string FormatFloating(double value, string roundTrip) =>
        double.IsNaN(value) ? "nan"
        : double.IsPositiveInfinity(value) ? "inf"
        : double.IsNegativeInfinity(value) ? "-inf"
        : roundTrip;

    private static string Quote(byte[] bytes, bool keepUtf8)
    {
        var sb = new StringBuilder(bytes.Length + 2).Append('"');
        int start = 0;
        for (int i = 0; i < bytes.Length; i++)
        {
            byte b = bytes[i];
            string? escape = b switch
            {
                (byte)'"' => "\\\"",
                (byte)'\\' => "\\\\",
                (byte)'\n' => "\\n",
                (byte)'\r' => "\\r",
                (byte)'\t' => "\\t",
                < 0x20 or 0x7F => $"\\{Convert.ToString(b, 8)!.PadLeft(3, '0')}",
                >= 0x80 when !keepUtf8 => $"\\{Convert.ToString(b, 8)!.PadLeft(3, '0')}",
                _ => null,
            };
            if (escape is not null)
            {
                sb.Append(Encoding.UTF8.GetString(bytes, start, i - start)).Append(escape);
                start = i + 1;
            }
        }

        sb.Append(Encoding.UTF8.GetString(bytes, start, bytes.Length - start));
        return sb.Append('"').ToString();
    }
}
