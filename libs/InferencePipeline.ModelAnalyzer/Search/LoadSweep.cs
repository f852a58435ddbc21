using InferencePipeline.Contracts;
using InferencePipeline.ModelAnalyzer.Config;
using InferencePipeline.ModelAnalyzer.Reports;

namespace InferencePipeline.ModelAnalyzer.Search;

/// <summary>
/// Model Analyzer's sweep of one config over the load values, ascending: it stops once the best of the last four
/// measurements is less than 5% better than the first of them (more load no longer buys throughput), and at the
/// first measurement that breaks a latency bound (more load only adds latency); from there a binary search of at
/// most <see cref="LoadSpec.MaxBinarySearchSteps"/> steps looks between the last load that held and the first that
/// broke for the highest load within the bound.
/// </summary>
public static class LoadSweep
{
    public const int SaturationWindow = 4;
    public const double MinimumGain = 0.05;

    /// <param name="measure">Measures one load (or returns its checkpoint); called in sweep order.</param>
    public static async Task<IReadOnlyList<ProfileMeasurement>> RunAsync(
        LoadSpec spec, ConstraintSet constraints, ObjectiveScore score, Func<LoadPoint, Task<ProfileMeasurement>> measure)
    {
        var all = new List<ProfileMeasurement>();
        foreach (var batch in spec.BatchSizes)
        {
            all.AddRange(await SweepAsync(spec, batch, constraints, score, measure));
        }

        return all;
    }

    private static async Task<IReadOnlyList<ProfileMeasurement>> SweepAsync(
        LoadSpec spec, int batch, ConstraintSet constraints, ObjectiveScore score, Func<LoadPoint, Task<ProfileMeasurement>> measure)
    {
        var measured = new List<ProfileMeasurement>();
        double? lastPassing = null;
        foreach (var value in spec.Values)
        {
            if (Saturated(measured, score))
            {
                break;
            }

            var m = await measure(spec.Point(batch, value));
            measured.Add(m);
            if (constraints.BreaksLatencyBound(m.Stats))
            {
                await BinarySearchAsync(spec, batch, lastPassing ?? 0, value, constraints, measure, measured);
                break;
            }

            lastPassing = value;
        }

        return measured;
    }

    /// <summary>The best of the last <see cref="SaturationWindow"/> is under <see cref="MinimumGain"/> better than the first of them.</summary>
    public static bool Saturated(IReadOnlyList<ProfileMeasurement> measured, ObjectiveScore score)
    {
        if (measured.Count < SaturationWindow)
        {
            return false;
        }

        var window = measured.Skip(measured.Count - SaturationWindow).ToList();
        var best = window.Aggregate((a, b) => score.Compare(b.Stats, a.Stats) > 0 ? b : a);
        return score.GainOver(best.Stats, window[0].Stats) < MinimumGain;
    }

    private static async Task BinarySearchAsync(
        LoadSpec spec, int batch, double passing, double failing, ConstraintSet constraints,
        Func<LoadPoint, Task<ProfileMeasurement>> measure, List<ProfileMeasurement> measured)
    {
        for (var step = 0; step < spec.MaxBinarySearchSteps; step++)
        {
            var mid = spec.IsRequestRate ? (passing + failing) / 2 : Math.Floor((passing + failing) / 2);
            if (mid <= passing || mid >= failing || mid < (spec.IsRequestRate ? double.Epsilon : 1))
            {
                return;
            }

            var m = await measure(spec.Point(batch, mid));
            measured.Add(m);
            if (constraints.BreaksLatencyBound(m.Stats))
            {
                failing = mid;
            }
            else
            {
                passing = mid;
            }
        }
    }
}
