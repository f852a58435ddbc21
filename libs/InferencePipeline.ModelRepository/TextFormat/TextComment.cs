namespace InferencePipeline.ModelRepository.TextFormat;

/// <summary>
/// A <c>#</c> comment the tokenizer skipped: its text (from <c>#</c> to the end of the line), its offset in the
/// input, and whether it has a line of its own (only whitespace before it) or follows a token on that line.
/// </summary>
internal readonly record struct TextComment(string Text, int Start, bool OwnLine);
