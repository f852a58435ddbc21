namespace InferencePipeline.ModelAnalyzer.Config;

/// <summary>
/// A value of <c>model_config_parameters</c> as written, before it is known which lists are choices: a map, a
/// list or a scalar, each with the key path and line it came from so an error can point at it. The search builds
/// its axes from this tree (<see cref="Search.ParameterAxes"/>); the automatic space is built as one too.
/// </summary>
public abstract record ParameterNode(string Path, int Line);

public sealed record ParameterMap(string Path, int Line, IReadOnlyList<KeyValuePair<string, ParameterNode>> Entries) : ParameterNode(Path, Line)
{
    public ParameterNode? this[string key] => Entries.FirstOrDefault(e => e.Key == key).Value;
}

public sealed record ParameterList(string Path, int Line, IReadOnlyList<ParameterNode> Items) : ParameterNode(Path, Line);

/// <summary>A scalar as its text; <see cref="Quoted"/> says it was written as a string ("1"), not a number.</summary>
public sealed record ParameterScalar(string Path, int Line, string Text, bool Quoted = false) : ParameterNode(Path, Line);
