namespace InferencePipeline.Onnx.Precision;

/// <summary>The int8 recipe's knobs: how weights are quantized, how much activation smoothing, how many nodes may stay fp32.</summary>
public sealed record Int8RecipeOptions
{
    public DynamicQuantizationOptions Quantization { get; init; } = new();

    /// <summary>
    /// <see cref="ActivationSmoothing"/> strength α, or null for none. On all-MiniLM-L6-v2 with real sentences,
    /// α 0.7 let every MatMul run in int8 within a 0.995 cosine gate (0.5 and 1.0 were worse, 0.3 far worse).
    /// </summary>
    public double? SmoothingAlpha { get; init; } = 0.7;

    /// <summary>At most this share of the weight MatMuls may stay fp32 (<see cref="SensitivityGuidedQuantization.MaxKeptFraction"/>).</summary>
    public double MaxKeptFraction { get; init; } = 0.5;
}
