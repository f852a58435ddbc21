using System.Text;

namespace InferencePipeline.ModelRepository.TextFormat;

/// <summary>
/// Splits protobuf text format into tokens, tracking 1-based line and column for error messages.
/// Strings are decoded here (C-style escapes, octal and hex bytes, \u and \U code points) because text format
/// strings are byte sequences: escapes build UTF-8 bytes, which are then decoded once.
/// Comments are skipped but kept in <see cref="Comments"/>, so the parser can file them under their fields; so are
/// blank lines (as empty comments, a run of them as one), which authors use to group fields, except those before
/// the first content of the file and after the last.
/// </summary>
internal sealed class TextTokenizer
{
    private const string Symbols = "{}[]:,;<>-+";

    private readonly string _text;
    private readonly string _source;
    private readonly List<TextComment> _comments = [];
    private int _pos;
    private int _line = 1;
    private int _lineStart;
    private bool _seenContent;
    private int _blankRunEnd = -1;

    public TextTokenizer(string text, string source)
    {
        // A UTF-8 byte order mark (editors on Windows write one) is not content.
        _text = text.Length > 0 && text[0] == '\uFEFF' ? text[1..] : text;
        _source = source;
        Current = ReadNext();
    }

    public TextToken Current { get; private set; }

    /// <summary>The comments skipped so far, in input order; grows as tokens are read (one token ahead of <see cref="Current"/>'s consumer).</summary>
    public IReadOnlyList<TextComment> Comments => _comments;

    /// <summary>Where the token last returned by <see cref="Next"/> ends (an offset into <see cref="Slice"/>'s text).</summary>
    public int PreviousEnd { get; private set; }

    public TextToken Next()
    {
        var previous = Current;
        PreviousEnd = previous.End;
        Current = ReadNext();
        return previous;
    }

    /// <summary>The input exactly as written between two token offsets (for fields kept verbatim).</summary>
    public string Slice(int start, int end) => _text[start..end];

    public ModelConfigFormatException Error(TextToken at, string problem) => new(_source, at.Line, at.Column, problem);

    private ModelConfigFormatException ErrorHere(string problem) => new(_source, _line, _pos - _lineStart + 1, problem);

    private TextToken ReadNext()
    {
        SkipWhitespaceAndComments();
        int line = _line, column = _pos - _lineStart + 1, start = _pos;
        if (_pos >= _text.Length)
        {
            return new TextToken(TextTokenKind.End, "", line, column, start, start);
        }

        char c = _text[_pos];
        if (char.IsAsciiLetter(c) || c == '_')
        {
            while (_pos < _text.Length && (char.IsAsciiLetterOrDigit(_text[_pos]) || _text[_pos] == '_'))
            {
                _pos++;
            }

            return new TextToken(TextTokenKind.Identifier, _text[start.._pos], line, column, start, _pos);
        }

        if (char.IsAsciiDigit(c) || (c == '.' && _pos + 1 < _text.Length && char.IsAsciiDigit(_text[_pos + 1])))
        {
            string number = ReadNumber();
            return new TextToken(TextTokenKind.Number, number, line, column, start, _pos);
        }

        if (c is '"' or '\'')
        {
            string value = ReadString(c, line, column);
            return new TextToken(TextTokenKind.String, value, line, column, start, _pos);
        }

        if (Symbols.Contains(c))
        {
            _pos++;
            return new TextToken(TextTokenKind.Symbol, c.ToString(), line, column, start, _pos);
        }

        throw ErrorHere($"unexpected character '{c}'");
    }

    private void SkipWhitespaceAndComments()
    {
        int skipStart = _pos;
        while (_pos < _text.Length)
        {
            char c = _text[_pos];
            if (c == '\n')
            {
                if (_seenContent && _text.AsSpan(_lineStart, _pos - _lineStart).IsWhiteSpace())
                {
                    // One blank line stands for a run of them: the next line starting where this one ends continues it.
                    if (_blankRunEnd != _lineStart)
                    {
                        _comments.Add(new TextComment("", _lineStart, OwnLine: true));
                    }

                    _blankRunEnd = _pos + 1;
                }

                _pos++;
                _line++;
                _lineStart = _pos;
            }
            else if (char.IsWhiteSpace(c))
            {
                _pos++;
            }
            else if (c == '#')
            {
                int start = _pos;
                bool ownLine = _text.AsSpan(_lineStart, start - _lineStart).IsWhiteSpace();
                while (_pos < _text.Length && _text[_pos] != '\n')
                {
                    _pos++;
                }

                _comments.Add(new TextComment(_text[start.._pos].TrimEnd(), start, ownLine));
                _seenContent = true;
            }
            else
            {
                _seenContent = true;
                return;
            }
        }

        // Blank lines at the end of the file separate nothing.
        while (_comments.Count > 0 && _comments[^1].Text.Length == 0 && _comments[^1].Start >= skipStart)
        {
            _comments.RemoveAt(_comments.Count - 1);
        }
    }

    private string ReadNumber()
    {
        int start = _pos;
        bool hex = _text[_pos] == '0' && _pos + 1 < _text.Length && (_text[_pos + 1] is 'x' or 'X');
        while (_pos < _text.Length)
        {
            char c = _text[_pos];
            bool exponentSign = !hex && (c is '+' or '-') && _pos > start && (_text[_pos - 1] is 'e' or 'E');
            if (char.IsAsciiLetterOrDigit(c) || c == '.' || c == '_' || exponentSign)
            {
                _pos++;
            }
            else
            {
                break;
            }
        }

        return _text[start.._pos];
    }

    private string ReadString(char quote, int line, int column)
    {
        _pos++; // opening quote
        var bytes = new List<byte>();
        Span<byte> utf8 = stackalloc byte[4];
        while (true)
        {
            if (_pos >= _text.Length || _text[_pos] == '\n')
            {
                throw new ModelConfigFormatException(_source, line, column, "unterminated string");
            }

            char c = _text[_pos++];
            if (c == quote)
            {
                // Adjacent literals concatenate ("a" "b" == "ab"), as in C and protobuf text format; read in this loop,
                // not by recursion, so a file of many thousands of them cannot overflow the stack.
                if (!NextIsAdjacentLiteral(ref line, ref column))
                {
                    break;
                }

                quote = _text[_pos++];
                continue;
            }

            if (c != '\\')
            {
                if (char.IsHighSurrogate(c) && _pos < _text.Length && char.IsLowSurrogate(_text[_pos]))
                {
                    AppendCodePoint(bytes, char.ConvertToUtf32(c, _text[_pos++]), utf8);
                }
                else
                {
                    AppendCodePoint(bytes, c, utf8);
                }

                continue;
            }

            if (_pos >= _text.Length)
            {
                throw new ModelConfigFormatException(_source, line, column, "unterminated string");
            }

            char e = _text[_pos++];
            switch (e)
            {
                case 'n': bytes.Add((byte)'\n'); break;
                case 't': bytes.Add((byte)'\t'); break;
                case 'r': bytes.Add((byte)'\r'); break;
                case 'a': bytes.Add(7); break;
                case 'b': bytes.Add(8); break;
                case 'f': bytes.Add(12); break;
                case 'v': bytes.Add(11); break;
                case '\\': bytes.Add((byte)'\\'); break;
                case '\'': bytes.Add((byte)'\''); break;
                case '"': bytes.Add((byte)'"'); break;
                case '?': bytes.Add((byte)'?'); break;
                case 'x' or 'X':
                    bytes.Add((byte)ReadDigits(16, 2, "hex escape"));
                    break;
                case 'u':
                    AppendCodePoint(bytes, ReadDigits(16, 4, "\\u escape", exact: true), utf8);
                    break;
                case 'U':
                    AppendCodePoint(bytes, ReadDigits(16, 8, "\\U escape", exact: true), utf8);
                    break;
                case >= '0' and <= '7':
                    _pos--;
                    int octal = ReadDigits(8, 3, "octal escape");
                    if (octal > 255)
                    {
                        throw ErrorHere($"octal escape \\{Convert.ToString(octal, 8)} is larger than one byte");
                    }

                    bytes.Add((byte)octal);
                    break;
                default:
                    throw ErrorHere($"unknown escape sequence '\\{e}' in string");
            }
        }

        try
        {
            return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes.ToArray());
        }
        catch (DecoderFallbackException)
        {
            throw new ModelConfigFormatException(_source, line, column, "string escapes do not form valid UTF-8");
        }
    }

    /// <summary>
    /// After a closing quote: whether another literal follows (only whitespace and comments between); if so, stops at its
    /// opening quote with <paramref name="line"/> and <paramref name="column"/> at it, else leaves everything as it was.
    /// </summary>
    private bool NextIsAdjacentLiteral(ref int line, ref int column)
    {
        int save = _pos, saveLine = _line, saveLineStart = _lineStart, saveComments = _comments.Count;
        SkipWhitespaceAndComments();
        if (_pos < _text.Length && _text[_pos] is '"' or '\'')
        {
            line = _line;
            column = _pos - _lineStart + 1;
            return true;
        }

        _pos = save;
        _line = saveLine;
        _lineStart = saveLineStart;
        _comments.RemoveRange(saveComments, _comments.Count - saveComments); // read again after this token
        return false;
    }

    private int ReadDigits(int radix, int maxDigits, string what, bool exact = false)
    {
        // Eight hex digits can pass int's range: counted in a long, and anything above stays out of range for the caller.
        long value = 0;
        int count = 0;
        while (count < maxDigits && _pos < _text.Length)
        {
            int digit = HexValue(_text[_pos]);
            if (digit < 0 || digit >= radix)
            {
                break;
            }

            value = value * radix + digit;
            _pos++;
            count++;
        }

        if (count == 0 || (exact && count != maxDigits))
        {
            throw ErrorHere($"malformed {what}");
        }

        return (int)Math.Min(value, int.MaxValue);
    }

    private static int HexValue(char c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'a' and <= 'f' => c - 'a' + 10,
        >= 'A' and <= 'F' => c - 'A' + 10,
        _ => -1,
    };

    private void AppendCodePoint(List<byte> bytes, int codePoint, Span<byte> buffer)
    {
        if (codePoint > 0x10FFFF || (codePoint >= 0xD800 && codePoint <= 0xDFFF))
        {
            throw ErrorHere($"invalid Unicode code point U+{codePoint:X}");
        }

        int n = new Rune(codePoint).EncodeToUtf8(buffer);
        for (int i = 0; i < n; i++)
        {
            bytes.Add(buffer[i]);
        }
    }
}
