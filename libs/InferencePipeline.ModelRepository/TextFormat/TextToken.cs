namespace InferencePipeline.ModelRepository.TextFormat;

/// <summary>
/// One lexical token of protobuf text format. <see cref="Text"/> holds the decoded value for strings;
/// <see cref="Start"/> and <see cref="End"/> are offsets into the input, so a span of tokens can be kept as written.
/// </summary>
internal readonly record struct TextToken(TextTokenKind Kind, string Text, int Line, int Column, int Start, int End)
{
    public bool IsSymbol(char symbol) => Kind == TextTokenKind.Symbol && Text.Length == 1 && Text[0] == symbol;

    public string Describe() => Kind switch
    {
        TextTokenKind.End => "end of input",
        TextTokenKind.String => $"string \"{Text}\"",
        _ => $"'{Text}'",
    };
}
