namespace InferencePipeline.ModelRepository.TextFormat;

internal enum TextTokenKind
{
    End,
    Identifier,
    Number,
    String,
    Symbol,
}
