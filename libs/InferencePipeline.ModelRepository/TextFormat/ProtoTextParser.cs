using System.Collections;
using System.Globalization;
using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace InferencePipeline.ModelRepository.TextFormat;

/// <summary>
/// Reads protobuf text format into any generated message, driven by its descriptor (Google.Protobuf for C#
/// ships only a binary and JSON codec). Accepts what Triton's config.pbtxt files use: <c>a { }</c>,
/// <c>a: { }</c> and <c>a &lt; &gt;</c> blocks, repeated messages as <c>a [ {..}, {..} ]</c> or repeated blocks,
/// repeated scalars as <c>a: [1, 2]</c> or repeated lines, enums by name or number, maps as repeated
/// <c>key/value</c> entries, optional <c>,</c>/<c>;</c> separators and <c>#</c> comments.
/// Every problem becomes a <see cref="ModelConfigFormatException"/> at the offending token.
/// A field the descriptor does not know is either an error or, when the caller keeps unknown fields, read
/// past by <see cref="UnknownFieldReader"/> and kept as written under the path of its message
/// (<see cref="MessagePaths"/>). Comments are filed under the field, element or block they explain
/// (<see cref="CommentAttacher"/>), by the same paths.
/// </summary>
internal sealed class ProtoTextParser
{
    private readonly TextTokenizer _tokens;
    private readonly UnknownFieldReader? _unknownReader;
    private readonly CommentAttacher _comments;
    private List<UnknownConfigField> _unknown = [];

    private ProtoTextParser(string text, string source, bool keepUnknown)
    {
        _tokens = new TextTokenizer(text, source);
        _unknownReader = keepUnknown ? new UnknownFieldReader(_tokens) : null;
        _comments = new CommentAttacher(_tokens.Comments);
    }

    /// <summary>Parses into <paramref name="target"/>; an unknown field is an error.</summary>
    public static void Merge(string text, string source, IMessage target)
    {
        var parser = new ProtoTextParser(text, source, keepUnknown: false);
        parser.ParseFields(target, closing: null, MessagePaths.Top);
    }

    /// <summary>Parses into <paramref name="target"/> and returns the unknown fields and the comments, in the order written.</summary>
    public static (List<UnknownConfigField> Unknown, List<ConfigComment> Comments) MergeKeepingUnknown(string text, string source, IMessage target)
    {
        var parser = new ProtoTextParser(text, source, keepUnknown: true);
        parser.ParseFields(target, closing: null, MessagePaths.Top);
        return (parser._unknown, parser._comments.Filed);
    }

    private void ParseFields(IMessage message, char? closing, string path)
    {
        var descriptor = message.Descriptor;
        var seenSingular = new HashSet<int>();
        while (true)
        {
            var token = _tokens.Current;
            if (closing is { } close && token.IsSymbol(close))
            {
                _comments.Take(token.Start, path, ConfigCommentPlacement.End);
                _tokens.Next();
                _comments.TrailWith(path, ConfigCommentPlacement.Closing);
                return;
            }

            if (token.Kind == TextTokenKind.End)
            {
                if (closing is null)
                {
                    _comments.Take(token.Start, path, ConfigCommentPlacement.End);
                    return;
                }

                throw _tokens.Error(token, $"missing '{closing}' to close a {descriptor.FullName} block");
            }

            if (token.Kind != TextTokenKind.Identifier)
            {
                throw _tokens.Error(token, $"expected a field name of {descriptor.FullName}, found {token.Describe()}");
            }

            _tokens.Next();
            var field = descriptor.FindFieldByName(token.Text);
            if (field is null)
            {
                ReadUnknown(token, path, descriptor);
                SkipSeparator();
                continue;
            }

            if (!field.IsRepeated && !seenSingular.Add(field.FieldNumber))
            {
                throw _tokens.Error(token, $"field '{field.Name}' is given more than once");
            }

            if (field.RealContainingOneof is { } oneof && seenSingular.Any(n => n != field.FieldNumber
                    && descriptor.FindFieldByNumber(n).RealContainingOneof == oneof))
            {
                throw _tokens.Error(token, $"field '{field.Name}' and another member of oneof '{oneof.Name}' are both set");
            }

            ParseFieldValue(message, field, MessagePaths.Field(path, field.Name), token.Start);
            SkipSeparator();
        }
    }

    /// <summary>Keeps an unknown field as written, with the comments before and after it (those inside are in its text).</summary>
    private void ReadUnknown(TextToken name, string path, MessageDescriptor descriptor)
    {
        if (_unknownReader is null)
        {
            throw _tokens.Error(name, $"unknown field '{name.Text}' in {descriptor.FullName}");
        }

        int occurrence = _unknown.Count(f => f.Path == path && f.Name == name.Text);
        string commentPath = MessagePaths.Unknown(path, name.Text, occurrence);
        _comments.Take(name.Start, commentPath, ConfigCommentPlacement.Leading);
        _unknown.Add(_unknownReader.Read(name, path));
        _comments.Skip(_tokens.PreviousEnd);
        _comments.TrailWith(commentPath, ConfigCommentPlacement.Trailing);
    }

    /// <summary>Text format allows an optional separator after each field.</summary>
    private void SkipSeparator()
    {
        if (_tokens.Current.IsSymbol(',') || _tokens.Current.IsSymbol(';'))
        {
            _tokens.Next();
        }
    }

    private void ParseFieldValue(IMessage message, FieldDescriptor field, string fieldPath, int nameStart)
    {
        bool isMessage = field.FieldType is FieldType.Message or FieldType.Group;
        if (_tokens.Current.IsSymbol(':'))
        {
            _tokens.Next();
        }
        else if (!isMessage)
        {
            throw _tokens.Error(_tokens.Current, $"expected ':' after field '{field.Name}', found {_tokens.Current.Describe()}");
        }

        bool isList = _tokens.Current.IsSymbol('[');
        if (!field.IsMap || isList) // a map entry files its comments itself, under its key
        {
            // Full lines before the name lead what it starts (a block of a repeated message is its next element);
            // a comment after the name, on its line, trails it.
            string target = field.IsRepeated && isMessage && !isList
                ? MessagePaths.Element(fieldPath, ((IList)field.Accessor.GetValue(message)).Count)
                : fieldPath;
            _comments.Take(nameStart, target, ConfigCommentPlacement.Leading);
            _comments.TrailWith(target, ConfigCommentPlacement.Trailing);
        }

        if (isList)
        {
            if (!field.IsRepeated)
            {
                throw _tokens.Error(_tokens.Current, $"field '{field.Name}' is not repeated and cannot take a list");
            }

            _comments.Take(_tokens.Current.Start, fieldPath, ConfigCommentPlacement.Leading);
            _tokens.Next();
            _comments.TrailWith(fieldPath, ConfigCommentPlacement.Trailing);
            if (_tokens.Current.IsSymbol(']'))
            {
                _tokens.Next();
                return;
            }

            while (true)
            {
                ParseOneValue(message, field, fieldPath);
                if (isMessage)
                {
                    // Full lines before ']' end the list; before ',' they wait for the next element.
                    var next = _tokens.Current;
                    _comments.Take(next.Start, next.IsSymbol(']') ? fieldPath : null, ConfigCommentPlacement.End);
                }

                var separator = _tokens.Next();
                if (separator.IsSymbol(']'))
                {
                    if (isMessage)
                    {
                        _comments.TrailWith(fieldPath, ConfigCommentPlacement.Closing);
                    }

                    return;
                }

                if (!separator.IsSymbol(','))
                {
                    throw _tokens.Error(separator, $"expected ',' or ']' in the list of '{field.Name}', found {separator.Describe()}");
                }
            }
        }

        if (!isMessage)
        {
            _comments.Take(_tokens.Current.Start, fieldPath, ConfigCommentPlacement.Leading);
        }

        // A message's block or map entry files the comments before it under its own path (an element's, an entry's).
        ParseOneValue(message, field, fieldPath);
    }

    private void ParseOneValue(IMessage message, FieldDescriptor field, string fieldPath)
    {
        if (field.IsMap)
        {
            ParseMapEntry(message, field, fieldPath);
            return;
        }

        if (field.FieldType is FieldType.Message or FieldType.Group)
        {
            IMessage child;
            if (field.IsRepeated)
            {
                var list = (IList)field.Accessor.GetValue(message);
                child = NewMessage(field.MessageType);
                ParseBlock(child, MessagePaths.Element(fieldPath, list.Count));
                list.Add(child);
            }
            else
            {
                child = field.Accessor.GetValue(message) as IMessage ?? NewMessage(field.MessageType);
                ParseBlock(child, fieldPath);
                field.Accessor.SetValue(message, child);
            }

            return;
        }

        object value = ParseScalar(field);
        _comments.TrailWith(fieldPath, ConfigCommentPlacement.Trailing);
        if (field.IsRepeated)
        {
            ((IList)field.Accessor.GetValue(message)).Add(value);
        }
        else
        {
            field.Accessor.SetValue(message, value);
        }
    }

    private void ParseBlock(IMessage child, string path)
    {
        var open = _tokens.Next();
        char close = open.IsSymbol('{') ? '}' : open.IsSymbol('<') ? '>' : throw _tokens.Error(open,
            $"expected '{{' to open a {child.Descriptor.FullName} block, found {open.Describe()}");
        _comments.Take(open.Start, path, ConfigCommentPlacement.Leading);
        _comments.TrailWith(path, ConfigCommentPlacement.Trailing);
        ParseFields(child, close, path);
    }

    private void ParseMapEntry(IMessage message, FieldDescriptor field, string fieldPath)
    {
        var keyField = field.MessageType.FindFieldByNumber(1);
        var valueField = field.MessageType.FindFieldByNumber(2);
        var open = _tokens.Next();
        char close = open.IsSymbol('{') ? '}' : open.IsSymbol('<') ? '>' : throw _tokens.Error(open,
            $"expected '{{' to open an entry of map '{field.Name}', found {open.Describe()}");
        // Comments inside the entry but outside its value block lead or trail the entry.
        var outerComments = _comments.BeginEntry(open.Start);
        _comments.Take(open.Start, MessagePaths.Top, ConfigCommentPlacement.Leading);
        _comments.TrailWith(MessagePaths.Top, ConfigCommentPlacement.Trailing);

        object? key = null, value = null;
        List<UnknownConfigField>? valueUnknown = null;
        while (!_tokens.Current.IsSymbol(close))
        {
            var name = _tokens.Next();
            if (name.Kind != TextTokenKind.Identifier)
            {
                throw _tokens.Error(name, $"expected 'key' or 'value' in an entry of map '{field.Name}', found {name.Describe()}");
            }

            if (name.Text == "key")
            {
                if (key is not null)
                {
                    throw _tokens.Error(name, $"'key' is given more than once in an entry of map '{field.Name}'");
                }

                Expect(':', "after 'key'");
                key = ParseScalar(keyField);
            }
            else if (name.Text == "value")
            {
                if (value is not null)
                {
                    throw _tokens.Error(name, $"'value' is given more than once in an entry of map '{field.Name}'");
                }

                if (valueField.FieldType == FieldType.Message)
                {
                    if (_tokens.Current.IsSymbol(':'))
                    {
                        _tokens.Next();
                    }

                    // The value's path needs the key, which may come after it: collect its unknown fields apart.
                    var outer = _unknown;
                    _unknown = valueUnknown = [];
                    var child = NewMessage(valueField.MessageType);
                    ParseBlock(child, MessagePaths.Top);
                    _unknown = outer;
                    value = child;
                }
                else
                {
                    Expect(':', "after 'value'");
                    value = ParseScalar(valueField);
                }
            }
            else
            {
                throw _tokens.Error(name, $"unknown field '{name.Text}' in an entry of map '{field.Name}' (only 'key' and 'value')");
            }

            if (_tokens.Current.IsSymbol(',') || _tokens.Current.IsSymbol(';'))
            {
                _tokens.Next();
            }

            if (_tokens.Current.Kind == TextTokenKind.End)
            {
                throw _tokens.Error(_tokens.Current, $"missing '{close}' to close an entry of map '{field.Name}'");
            }
        }

        _comments.Take(_tokens.Current.Start, MessagePaths.Top, ConfigCommentPlacement.End);
        _tokens.Next();
        key ??= DefaultScalar(keyField);
        string valuePath = MessagePaths.MapValue(fieldPath, keyField, key);
        _comments.EndEntry(outerComments, valuePath);
        if (valueUnknown is not null)
        {
            _unknown.AddRange(valueUnknown.Select(f => f with { Path = MessagePaths.Join(valuePath, f.Path) }));
        }

        value ??= valueField.FieldType == FieldType.Message ? NewMessage(valueField.MessageType) : DefaultScalar(valueField);
        var map = (IDictionary)field.Accessor.GetValue(message);
        map[key] = value; // text format: a repeated key keeps the last entry
    }

    private void Expect(char symbol, string where)
    {
        var token = _tokens.Next();
        if (!token.IsSymbol(symbol))
        {
            throw _tokens.Error(token, $"expected '{symbol}' {where}, found {token.Describe()}");
        }
    }

    private static IMessage NewMessage(MessageDescriptor descriptor) =>
        descriptor.Parser?.ParseFrom(ByteString.Empty)
        ?? throw new InvalidOperationException($"no parser for {descriptor.FullName}");

    private static object DefaultScalar(FieldDescriptor field) => field.FieldType switch
    {
        FieldType.String => "",
        FieldType.Bytes => ByteString.Empty,
        FieldType.Bool => false,
        FieldType.Int32 or FieldType.SInt32 or FieldType.SFixed32 => 0,
        FieldType.Int64 or FieldType.SInt64 or FieldType.SFixed64 => 0L,
        FieldType.UInt32 or FieldType.Fixed32 => 0u,
        FieldType.UInt64 or FieldType.Fixed64 => 0ul,
        FieldType.Float => 0f,
        FieldType.Double => 0d,
        FieldType.Enum => Enum.ToObject(field.EnumType.ClrType, 0),
        _ => throw new InvalidOperationException($"no default for {field.FieldType}"),
    };

    private object ParseScalar(FieldDescriptor field)
    {
        var start = _tokens.Current;
        if (field.FieldType is FieldType.String or FieldType.Bytes)
        {
            var token = _tokens.Next();
            if (token.Kind != TextTokenKind.String)
            {
                throw _tokens.Error(token, $"field '{field.Name}' takes a quoted string, found {token.Describe()}");
            }

            return field.FieldType == FieldType.String ? token.Text : ByteString.CopyFromUtf8(token.Text);
        }

        bool negative = false;
        if (_tokens.Current.IsSymbol('-'))
        {
            _tokens.Next();
            negative = true;
        }
        else if (_tokens.Current.IsSymbol('+'))
        {
            _tokens.Next();
        }

        var valueToken = _tokens.Next();
        if (valueToken.Kind is not (TextTokenKind.Number or TextTokenKind.Identifier))
        {
            throw _tokens.Error(valueToken, $"field '{field.Name}' takes a {Describe(field)}, found {valueToken.Describe()}");
        }

        string text = valueToken.Text;
        try
        {
            return field.FieldType switch
            {
                FieldType.Bool when !negative => ParseBool(text) ?? throw Bad(),
                FieldType.Enum => ParseEnum(field, text, negative, Bad) ?? throw Bad(),
                FieldType.Float => (float)ParseFloating(text, negative, Bad),
                FieldType.Double => ParseFloating(text, negative, Bad),
                FieldType.Int32 or FieldType.SInt32 or FieldType.SFixed32 => checked((int)ParseSigned(text, negative, Bad)),
                FieldType.Int64 or FieldType.SInt64 or FieldType.SFixed64 => ParseSigned(text, negative, Bad),
                FieldType.UInt32 or FieldType.Fixed32 when !negative => checked((uint)ParseUnsigned(text, Bad)),
                FieldType.UInt64 or FieldType.Fixed64 when !negative => ParseUnsigned(text, Bad),
                _ => throw Bad(),
            };
        }
        catch (OverflowException)
        {
            throw _tokens.Error(start, $"value {(negative ? "-" : "")}{text} is out of range for field '{field.Name}' ({Describe(field)})");
        }

        ModelConfigFormatException Bad() =>
            _tokens.Error(start, $"field '{field.Name}' takes a {Describe(field)}, found '{(negative ? "-" : "")}{text}'");
    }

    private static string Describe(FieldDescriptor field) => field.FieldType switch
    {
        FieldType.Enum => $"{field.EnumType.Name} value ({string.Join(", ", field.EnumType.Values.Select(v => v.Name))})",
        FieldType.Bool => "bool (true or false)",
        FieldType.Float or FieldType.Double => "number",
        FieldType.UInt32 or FieldType.Fixed32 => "uint32",
        FieldType.UInt64 or FieldType.Fixed64 => "uint64",
        FieldType.Int32 or FieldType.SInt32 or FieldType.SFixed32 => "int32",
        FieldType.Int64 or FieldType.SInt64 or FieldType.SFixed64 => "int64",
        _ => field.FieldType.ToString().ToLowerInvariant(),
    };

    private static bool? ParseBool(string text) => text switch
    {
        "true" or "True" or "t" or "1" => true,
        "false" or "False" or "f" or "0" => false,
        _ => null,
    };

    private static object? ParseEnum(FieldDescriptor field, string text, bool negative, Func<Exception> bad)
    {
        if (!negative && field.EnumType.FindValueByName(text) is { } named)
        {
            return Enum.ToObject(field.EnumType.ClrType, named.Number);
        }

        if (text.Length > 0 && char.IsAsciiDigit(text[0]))
        {
            // A number that is not one ("7YPE_STRING") is the same error as a name the enum does not have.
            long number = checked((long)ParseUnsigned(text, bad));
            int value = checked((int)(negative ? -number : number));
            return Enum.ToObject(field.EnumType.ClrType, value);
        }

        return null;
    }

    private static double ParseFloating(string text, bool negative, Func<Exception> bad)
    {
        double value;
        string lower = text.ToLowerInvariant();
        if (lower is "inf" or "infinity")
        {
            value = double.PositiveInfinity;
        }
        else if (lower == "nan")
        {
            value = double.NaN;
        }
        else
        {
            string number = lower.EndsWith('f') && !lower.StartsWith("0x") ? lower[..^1] : lower;
            if (number.StartsWith("0x"))
            {
                value = ParseUnsigned(number, bad);
            }
            else if (!double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out value))
            {
                throw bad();
            }
        }

        return negative ? -value : value;
    }

    private static long ParseSigned(string text, bool negative, Func<Exception> bad)
    {
        ulong magnitude = ParseUnsigned(text, bad);
        if (negative)
        {
            return magnitude == 1UL << 63 ? long.MinValue : -checked((long)magnitude);
        }

        return checked((long)magnitude);
    }

    private static ulong ParseUnsigned(string text, Func<Exception> bad)
    {
        if (text.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
        {
            return ulong.TryParse(text.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var hex)
                ? hex
                : text.Length > 2 && text[2..].All(char.IsAsciiHexDigit) ? throw new OverflowException() : throw bad();
        }

        if (!text.All(char.IsAsciiDigit))
        {
            throw bad();
        }

        if (text.Length > 1 && text[0] == '0')
        {
            // C-style octal, as protobuf's own text parser reads it.
            ulong octal = 0;
            foreach (char c in text)
            {
                if (c > '7')
                {
                    throw bad();
                }

                octal = checked(octal * 8 + (ulong)(c - '0'));
            }

            return octal;
        }

        return ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : throw new OverflowException();
    }
}
