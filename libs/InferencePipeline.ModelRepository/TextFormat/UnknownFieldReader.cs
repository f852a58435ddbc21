namespace InferencePipeline.ModelRepository.TextFormat;

/// <summary>
/// Reads past the value of a field the descriptor does not know, following text format's grammar rather
/// than counting brackets: a scalar, a <c>[ ... ]</c> list or a <c>{ ... }</c> / <c>&lt; ... &gt;</c> block of
/// fields, to any depth. Strings and comments come from the tokenizer, so braces inside them do not count.
/// A malformed value is a <see cref="ModelConfigFormatException"/> at the offending token, as for known fields.
/// </summary>
internal sealed class UnknownFieldReader(TextTokenizer tokens)
{
    // Deep enough for any real config; stops a hostile file from overflowing the stack.
    private const int MaxDepth = 100;

    /// <summary>Reads the value after <paramref name="name"/> (already consumed) and returns the field as written.</summary>
    public UnknownConfigField Read(TextToken name, string path)
    {
        SkipValue(name.Text, 0);
        string text = tokens.Slice(name.Start, tokens.PreviousEnd);
        return new UnknownConfigField(path, name.Text, text, name.Line, name.Column);
    }

    private void SkipValue(string field, int depth)
    {
        bool colon = tokens.Current.IsSymbol(':');
        if (colon)
        {
            tokens.Next();
        }

        var current = tokens.Current;
        if (current.IsSymbol('['))
        {
            SkipList(field, depth);
        }
        else if (current.IsSymbol('{') || current.IsSymbol('<'))
        {
            SkipBlock(field, depth);
        }
        else if (colon)
        {
            SkipScalar(field);
        }
        else
        {
            throw tokens.Error(current, $"expected ':' or '{{' after unknown field '{field}', found {current.Describe()}");
        }
    }

    private void SkipScalar(string field)
    {
        if (tokens.Current.IsSymbol('-') || tokens.Current.IsSymbol('+'))
        {
            tokens.Next();
        }

        var value = tokens.Next();
        if (value.Kind is not (TextTokenKind.Number or TextTokenKind.Identifier or TextTokenKind.String))
        {
            throw tokens.Error(value, $"unknown field '{field}' has no value: expected a number, name, string, list or block, found {value.Describe()}");
        }
    }

    private void SkipList(string field, int depth)
    {
        var open = tokens.Next();
        if (tokens.Current.IsSymbol(']'))
        {
            tokens.Next();
            return;
        }

        while (true)
        {
            if (tokens.Current.IsSymbol('{') || tokens.Current.IsSymbol('<'))
            {
                SkipBlock(field, depth);
            }
            else
            {
                SkipScalar(field);
            }

            var separator = tokens.Next();
            if (separator.IsSymbol(']'))
            {
                return;
            }

            if (!separator.IsSymbol(','))
            {
                throw tokens.Error(separator,
                    $"expected ',' or ']' in the list of unknown field '{field}' (opened at line {open.Line}), found {separator.Describe()}");
            }
        }
    }

    private void SkipBlock(string field, int depth)
    {
        var open = tokens.Next();
        if (depth >= MaxDepth)
        {
            throw tokens.Error(open, $"unknown field '{field}' nests blocks deeper than {MaxDepth}");
        }

        char close = open.IsSymbol('{') ? '}' : '>';
        while (true)
        {
            var token = tokens.Current;
            if (token.IsSymbol(close))
            {
                tokens.Next();
                return;
            }

            if (token.Kind == TextTokenKind.End)
            {
                throw tokens.Error(token, $"missing '{close}' to close the block of unknown field '{field}' opened at line {open.Line}");
            }

            if (token.Kind != TextTokenKind.Identifier)
            {
                throw tokens.Error(token,
                    $"expected a field name or '{close}' in the block of unknown field '{field}' opened at line {open.Line}, found {token.Describe()}");
            }

            tokens.Next();
            SkipValue(token.Text, depth + 1);
            if (tokens.Current.IsSymbol(',') || tokens.Current.IsSymbol(';'))
            {
                tokens.Next();
            }
        }
    }
}
