namespace InferencePipeline.Onnx;

/// <summary>
/// Judges a candidate's outputs against the fp32 reference's on the same inputs (one or more runs, e.g. one per
/// calibration sentence), output by output, with the metric <see cref="AccuracyCriteria.MetricFor"/> chooses.
/// <para>Padded positions carry no meaning (encoders compute something there, and consumers mask it out), so
/// given <paramref name="sequenceMasks"/> the vectors of outputs that follow the mask are compared only where it is
/// set; max |diff| likewise.</para>
/// </summary>
public static class AccuracyGate
{
    public static AccuracyVerdict Evaluate(
        IReadOnlyList<IReadOnlyDictionary<string, float[]>> expected,
        IReadOnlyList<IReadOnlyDictionary<string, float[]>> actual,
        IReadOnlyDictionary<string, OutputLayout> layouts,
        AccuracyCriteria? criteria = null,
        IReadOnlyList<bool[]>? sequenceMasks = null)
    {
        ArgumentNullException.ThrowIfNull(expected);
        ArgumentNullException.ThrowIfNull(actual);
        ArgumentNullException.ThrowIfNull(layouts);
        criteria ??= AccuracyCriteria.Default;
        criteria.Validate();
        if (expected.Count == 0 || expected.Count != actual.Count)
        {
            throw new ArgumentException($"{actual.Count} candidate runs for {expected.Count} reference runs: the gate needs the same, non-empty set of inputs for both");
        }

        if (sequenceMasks is not null && sequenceMasks.Count != expected.Count)
        {
            throw new ArgumentException($"{sequenceMasks.Count} sequence masks for {expected.Count} runs", nameof(sequenceMasks));
        }

        var results = new List<OutputAccuracy>();
        foreach (string name in expected[0].Keys.Order(StringComparer.Ordinal))
        {
            if (!layouts.TryGetValue(name, out var layout))
            {
                throw new ArgumentException($"no layout for output '{name}' (have: {string.Join(", ", layouts.Keys)})", nameof(layouts));
            }

            var metric = criteria.MetricFor(name, layout.LastDimension, layout.IsFloatingPoint);
            double maxDiff = 0, maxMagnitude = 0, sum = 0, worst = double.PositiveInfinity;
            long vectors = 0, equal = 0, elements = 0;
            for (int run = 0; run < expected.Count; run++)
            {
                var want = expected[run][name];
                if (!actual[run].TryGetValue(name, out var got))
                {
                    throw new ArgumentException($"output '{name}' is missing from candidate run {run} (have: {string.Join(", ", actual[run].Keys)})");
                }

                if (layout.FollowsSequenceMask && sequenceMasks?[run] is { } mask)
                {
                    (want, got) = KeepMasked(want, got, mask, layout.LastDimension, name);
                }

                maxDiff = Math.Max(maxDiff, OutputComparer.MaxAbsDiff(want, got));
                switch (metric)
                {
                    case AccuracyMetric.Cosine:
                        var cosine = OutputComparer.Cosine(want, got, layout.LastDimension);
                        sum += cosine.Mean * cosine.Vectors;
                        vectors += cosine.Vectors;
                        worst = Math.Min(worst, cosine.Worst);
                        break;
                    case AccuracyMetric.ArgmaxAgreement:
                        var agreement = OutputComparer.ArgmaxAgreement(want, got, layout.LastDimension);
                        equal += (long)Math.Round(agreement.Agreement * agreement.Vectors);
                        vectors += agreement.Vectors;
                        break;
                    case AccuracyMetric.ExactAgreement:
                        for (int i = 0; i < want.Length; i++)
                        {
                            equal += want[i].Equals(got[i]) ? 1 : 0;
                        }

                        elements += want.Length;
                        break;
                    default:
                        foreach (float value in want)
                        {
                            maxMagnitude = Math.Max(maxMagnitude, Math.Abs((double)value));
                        }

                        break;
                }
            }

            double threshold = criteria.Threshold(metric);
            double result = metric switch
            {
                AccuracyMetric.Cosine => vectors == 0 ? 1 : sum / vectors,
                AccuracyMetric.ArgmaxAgreement => vectors == 0 ? 1 : (double)equal / vectors,
                AccuracyMetric.ExactAgreement => elements == 0 ? 1 : (double)equal / elements,
                _ => maxDiff / Math.Max(maxMagnitude, 1e-12),
            };
            bool passed = (metric == AccuracyMetric.RelativeMaxAbsDiff ? result <= threshold : result >= threshold)
                && (criteria.MaxAbsDiff is not { } bound || maxDiff <= bound);
            results.Add(new OutputAccuracy(name, metric, result, metric == AccuracyMetric.Cosine ? worst : result, threshold, maxDiff, passed));
        }

        return new AccuracyVerdict(results);
    }

    /// <summary>The vectors of both outputs at the positions the mask keeps, packed.</summary>
    private static (float[] Expected, float[] Actual) KeepMasked(float[] expected, float[] actual, bool[] mask, int vectorLength, string name)
    {
        if (expected.Length != (long)mask.Length * vectorLength || actual.Length != expected.Length)
        {
            throw new ArgumentException($"output '{name}' has {expected.Length} elements, not {mask.Length} positions of {vectorLength}");
        }

        int kept = mask.Count(m => m);
        var want = new float[kept * vectorLength];
        var got = new float[want.Length];
        for (int position = 0, at = 0; position < mask.Length; position++)
        {
            if (mask[position])
            {
                Array.Copy(expected, position * vectorLength, want, at, vectorLength);
                Array.Copy(actual, position * vectorLength, got, at, vectorLength);
                at += vectorLength;
            }
        }

        return (want, got);
    }
}
