namespace InferencePipeline.ModelRepository;

/// <summary>
/// A config.pbtxt (protobuf text format) that cannot be read: the message names the source, the line and
/// column (both 1-based) and the problem, so a user can fix the file without a debugger.
/// </summary>
public sealed class ModelConfigFormatException : FormatException
{
    public ModelConfigFormatException(string source, int line, int column, string problem)
        : base($"{source}: line {line}, column {column}: {problem}")
    {
        Source = source;
        Line = line;
        Column = column;
        Problem = problem;
    }

    /// <summary>What was being read (a file path, or "config.pbtxt" for text given directly).</summary>
    public new string Source { get; }

    public int Line { get; }

    public int Column { get; }

    /// <summary>The problem alone, without position.</summary>
    public string Problem { get; }
}
