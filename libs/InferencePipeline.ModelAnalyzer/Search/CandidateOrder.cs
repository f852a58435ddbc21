using InferencePipeline.Contracts;
using InferencePipeline.ModelAnalyzer.Config;
using InferencePipeline.ModelAnalyzer.Reports;

namespace InferencePipeline.ModelAnalyzer.Search;

/// <summary>
/// How quick search compares two candidates' measurements: passing the constraints beats failing them; otherwise the
/// objectives decide.
/// </summary>
public sealed class CandidateOrder(ConstraintSet constraints, ObjectiveScore score) : IComparer<ProfileMeasurement>
{
    public bool Better(ProfileMeasurement a, ProfileMeasurement b) => Compare(a, b) > 0;

    /// <summary>
    /// <paramref name="a"/> is not better than <paramref name="b"/> but within <paramref name="tolerance"/> of it: both
    /// pass the constraints or both fail them, and <paramref name="b"/> gains less than the tolerance over it.
    /// </summary>
    public bool Level(ProfileMeasurement a, ProfileMeasurement b, double tolerance) =>
        constraints.Satisfies(a.Stats) == constraints.Satisfies(b.Stats) && score.GainOver(b.Stats, a.Stats) < tolerance;

    public int Compare(ProfileMeasurement? a, ProfileMeasurement? b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        var aPasses = constraints.Satisfies(a.Stats);
        var bPasses = constraints.Satisfies(b.Stats);
        return aPasses != bPasses ? (aPasses ? 1 : -1) : Math.Sign(score.Compare(a.Stats, b.Stats));
    }
}
