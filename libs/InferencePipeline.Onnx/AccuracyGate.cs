namespace InferencePipeline.Onnx;

/// <summary>
/// Judges a candidate's outputs against the fp32 reference's on the same inputs (one or more runs, e.g. one per
/// calibration sentence), output by output, with the metric <see cref="AccuracyCriteria.MetricFor"/> chooses.
/// </summary>
public static class AccuracyGate
{
    public static AccuracyVerdict Evaluate(
        IReadOnlyList<IReadOnlyDictionary<string, float[]>> expected,
        IReadOnlyList<IReadOnlyDictionary<string, float[]>> actual,
        IReadOnlyDictionary<string, OutputLayout> layouts,
        AccuracyCriteria? criteria = null)
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
}
