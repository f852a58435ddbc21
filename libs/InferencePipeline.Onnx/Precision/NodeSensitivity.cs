namespace InferencePipeline.Onnx.Precision;

/// <summary>How much accuracy (<see cref="SensitivityGuidedQuantization.Loss"/>) quantizing this node alone costs.</summary>
public sealed record NodeSensitivity(WeightMatMul Node, double Loss)
{
    public override string ToString() => $"{Node}: loss {Loss:E2}";
}
