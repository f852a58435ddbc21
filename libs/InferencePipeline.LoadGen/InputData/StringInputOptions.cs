namespace InferencePipeline.LoadGen;

/// <summary>
/// How synthetic BYTES inputs are filled (perf_analyzer's --string-length and --string-data): random printable
/// strings of <paramref name="Length"/> characters, or <paramref name="Data"/> in every element when given.
/// </summary>
public sealed record StringInputOptions(int Length = TensorDataFactory.DefaultStringLength, string? Data = null)
{
    public static StringInputOptions Default { get; } = new();
}
