namespace InferencePipeline.Onnx;

/// <summary>
/// Compares float outputs of two runs of "the same" model (fp32 vs tuned fp16/int8, in-process vs served), for
/// the tuner's accuracy check and the deployer's smoke test. NaN against a number counts as an infinite
/// difference; NaN against NaN as none.
/// </summary>
public static class OutputComparer
{
    public static double MaxAbsDiff(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual) =>
        Compare("output", expected, actual, out _, out _);

    /// <summary>Largest difference over every output of <paramref name="expected"/>; all must be in <paramref name="actual"/>.</summary>
    public static double MaxAbsDiff(IReadOnlyDictionary<string, float[]> expected, IReadOnlyDictionary<string, float[]> actual) =>
        Compare(expected, actual).MaxAbsDiff;

    public static OutputComparison Compare(IReadOnlyDictionary<string, float[]> expected, IReadOnlyDictionary<string, float[]> actual)
    {
        ArgumentNullException.ThrowIfNull(expected);
        ArgumentNullException.ThrowIfNull(actual);
        if (expected.Count == 0)
        {
            throw new ArgumentException("nothing to compare: no expected outputs", nameof(expected));
        }

        double max = -1, sum = 0;
        long count = 0, worstIndex = 0;
        string worst = "";
        foreach (var (name, values) in expected.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            if (!actual.TryGetValue(name, out var other))
            {
                throw new ArgumentException(
                    $"output '{name}' is missing (have: {string.Join(", ", actual.Keys)})", nameof(actual));
            }

            double diff = Compare(name, values, other, out long index, out double total);
            sum += total;
            count += values.Length;
            if (diff > max)
            {
                (max, worst, worstIndex) = (diff, name, index);
            }
        }

        return new OutputComparison(Math.Max(max, 0), worst, worstIndex, count == 0 ? 0 : sum / count);
    }

    private static double Compare(string name, ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, out long worstIndex, out double total)
    {
        if (expected.Length != actual.Length)
        {
            throw new ArgumentException($"output '{name}' has {actual.Length} elements, expected {expected.Length}");
        }

        double max = 0;
        total = 0;
        worstIndex = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            float a = expected[i], b = actual[i];
            double diff = float.IsNaN(a) || float.IsNaN(b)
                ? (float.IsNaN(a) && float.IsNaN(b) ? 0 : double.PositiveInfinity)
                : Math.Abs((double)a - b);
            if (a == b)
            {
                diff = 0; // equal infinities
            }

            total += diff;
            if (diff > max)
            {
                max = diff;
                worstIndex = i;
            }
        }

        return max;
    }
}
