namespace InferencePipeline.Testing.Fuzzing;

/// <summary>
/// Deterministic fuzzing for the parsers' tests: case <c>i</c> of a run always gets the generator <c>new Random(seed + i)</c>,
/// so a failing case is reproduced from its number alone, whatever ran before it.
/// </summary>
public static class FuzzCases
{
    /// <summary>Runs <paramref name="count"/> cases and returns, for each that failed its check, "case N: what went wrong".</summary>
    public static IReadOnlyList<string> Run(int seed, int count, Func<int, Random, string?> check)
    {
        var failures = new List<string>();
        for (var i = 0; i < count; i++)
        {
            if (check(i, new Random(seed + i)) is { } failure)
            {
                failures.Add($"case {i} (seed {seed + i}): {failure}");
            }
        }
        return failures;
    }

    /// <inheritdoc cref="Run"/>
    public static async Task<IReadOnlyList<string>> RunAsync(int seed, int count, Func<int, Random, Task<string?>> check)
    {
        var failures = new List<string>();
        for (var i = 0; i < count; i++)
        {
            if (await check(i, new Random(seed + i)) is { } failure)
            {
                failures.Add($"case {i} (seed {seed + i}): {failure}");
            }
        }
        return failures;
    }

    /// <summary>The failures as one assertion message: how many, and the first few in full.</summary>
    public static string Describe(IReadOnlyList<string> failures, int count) =>
        $"{failures.Count} of {count} cases failed:\n{string.Join("\n", failures.Take(10))}";
}
