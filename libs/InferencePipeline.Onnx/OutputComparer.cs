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

    /// <summary>
    /// Cosine similarity of each vector of <paramref name="vectorLength"/> consecutive elements (the last axis:
    /// one embedding, one token's hidden state, one row of logits): their mean and the worst. Two zero vectors
    /// count as identical, a zero against a non-zero vector as 0, NaN anywhere as −1.
    /// </summary>
    public static (double Mean, double Worst, long Vectors) Cosine(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, int vectorLength)
    {
        CheckVectors("cosine", expected, actual, vectorLength);
        double sum = 0, worst = 1;
        long vectors = expected.Length / vectorLength;
        for (long v = 0; v < vectors; v++)
        {
            var a = expected.Slice((int)(v * vectorLength), vectorLength);
            var b = actual.Slice((int)(v * vectorLength), vectorLength);
            double dot = 0, aa = 0, bb = 0;
            for (int i = 0; i < vectorLength; i++)
            {
                dot += (double)a[i] * b[i];
                aa += (double)a[i] * a[i];
                bb += (double)b[i] * b[i];
            }

            double cosine = double.IsNaN(dot + aa + bb) ? -1 : aa == 0 && bb == 0 ? 1 : aa == 0 || bb == 0 ? 0 : dot / Math.Sqrt(aa * bb);
            sum += cosine;
            worst = Math.Min(worst, cosine);
        }

        return (vectors == 0 ? 1 : sum / vectors, worst, vectors);
    }

    /// <summary>
    /// Fraction of vectors (along the last axis, <paramref name="vectorLength"/> elements each) whose largest element
    /// is at the same index in both — for outputs whose meaning is a position or class (start/end logits).
    /// </summary>
    public static (double Agreement, long Vectors) ArgmaxAgreement(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, int vectorLength)
    {
        CheckVectors("argmax agreement", expected, actual, vectorLength);
        long vectors = expected.Length / vectorLength, same = 0;
        for (long v = 0; v < vectors; v++)
        {
            if (Argmax(expected.Slice((int)(v * vectorLength), vectorLength)) == Argmax(actual.Slice((int)(v * vectorLength), vectorLength)))
            {
                same++;
            }
        }

        return (vectors == 0 ? 1 : (double)same / vectors, vectors);
    }

    private static int Argmax(ReadOnlySpan<float> values)
    {
        int best = 0;
        for (int i = 1; i < values.Length; i++)
        {
            if (values[i] > values[best] || float.IsNaN(values[i]))
            {
                best = i;
            }
        }

        return best;
    }

    private static void CheckVectors(string metric, ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, int vectorLength)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(vectorLength, 1);
        if (expected.Length != actual.Length)
        {
            throw new ArgumentException($"{metric}: {actual.Length} elements against {expected.Length} expected");
        }

        if (expected.Length % vectorLength != 0)
        {
            throw new ArgumentException($"{metric}: {expected.Length} elements do not split into vectors of {vectorLength}");
        }
    }
}
