namespace InferencePipeline.Benchmarks;

/// <summary>
/// One benchmark figure: the two sides measured in the same run, the number compared with the goal, and
/// whether it met it (null when the figure is reported without a goal).
/// </summary>
public sealed record Figure(
    string Name,
    string Subject,
    string Baseline,
    double Value,
    string ValueText,
    string Goal,
    bool? Met,
    string Method);
