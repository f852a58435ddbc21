namespace InferencePipeline.Onnx.Precision;

/// <summary>What <see cref="Fp16Converter"/> keeps in fp32.</summary>
public sealed record Fp16ConversionOptions
{
    /// <summary>
    /// Ops that stay fp32, with Casts around them: the numerically fragile ones. Sums of squares and exponentials
    /// overflow fp16's range (65504) or lose the small differences normalization depends on; the decomposed
    /// LayerNorm of older exports (ReduceMean, Sub, Pow, Sqrt, Div) is where that happens in transformers.
    /// </summary>
    public static IReadOnlySet<string> DefaultBlockedOpTypes { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "LayerNormalization", "SimplifiedLayerNormalization", "SkipLayerNormalization", "ReduceMean", "ReduceSum",
        "ReduceSumSquare", "ReduceL2", "ReduceLogSumExp", "Pow", "Sqrt", "Reciprocal", "Softmax", "LogSoftmax", "Exp", "Log",
        "Range", "CumSum", "TopK", "NonMaxSuppression", "RoiAlign", "Resize", "Upsample", "RandomNormal", "RandomUniform",
        "RandomNormalLike", "RandomUniformLike", "Multinomial", "EyeLike",
    };

    public IReadOnlySet<string> BlockedOpTypes { get; init; } = DefaultBlockedOpTypes;

    /// <summary>Individual nodes (by name, or first output when unnamed) to keep in fp32.</summary>
    public IReadOnlySet<string> BlockedNodes { get; init; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>Ops outside the default ONNX domain stay fp32 unless listed here (their fp16 support is per op and runtime).</summary>
    public IReadOnlySet<string> AllowedCustomOpTypes { get; init; } = new HashSet<string>(StringComparer.Ordinal);

    public override string ToString() => $"fp16, {BlockedOpTypes.Count} op types and {BlockedNodes.Count} nodes kept fp32";
}
