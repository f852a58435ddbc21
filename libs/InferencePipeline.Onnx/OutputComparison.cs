namespace InferencePipeline.Onnx;

/// <summary>
/// How far two sets of outputs are apart: the largest absolute difference, where it is (output name and flat
/// index) and the mean absolute difference over all compared elements.
/// </summary>
public sealed record OutputComparison(double MaxAbsDiff, string WorstOutput, long WorstIndex, double MeanAbsDiff)
{
    public bool Within(double tolerance) => MaxAbsDiff <= tolerance;

    public override string ToString() =>
        $"max |diff| {MaxAbsDiff:G4} at {WorstOutput}[{WorstIndex}], mean |diff| {MeanAbsDiff:G4}";
}
