namespace InferencePipeline.Onnx.Precision;

/// <summary>
/// What <see cref="SensitivityGuidedQuantization"/> found: the chosen quantization and its verdict (check
/// <see cref="Passed"/>: when even keeping the allowed share of nodes in fp32 fails, this is the last attempt),
/// the measured sensitivities (most sensitive first; empty when quantizing everything passed) and the number of
/// candidate models evaluated.
/// </summary>
public sealed record SensitivityGuidedResult(
    QuantizationResult Quantization, AccuracyVerdict Verdict, IReadOnlyList<NodeSensitivity> Sensitivities, int Evaluations)
{
    public bool Passed => Verdict.Passed;

    public override string ToString() =>
        $"{(Passed ? "passed" : "no passing recipe")}: {Quantization} after {Evaluations} evaluations; {Verdict}";
}
