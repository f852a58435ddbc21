namespace InferencePipeline.Benchmarks;

/// <summary>Everything one benchmark run produced, with the machine state it ran under.</summary>
public sealed record BenchmarkReport(
    DateTimeOffset StartedUtc,
    TimeSpan Duration,
    bool Quick,
    int ProcessorCount,
    string LoadAverageBefore,
    string LoadAverageAfter,
    IReadOnlyList<Figure> Figures,
    IReadOnlyList<Measurement> Measurements);
