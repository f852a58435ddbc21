namespace InferencePipeline.Onnx.Precision;

/// <summary>
/// How <see cref="DynamicQuantizer"/> turns weight MatMul/Gemm nodes into ONNX Runtime's int8
/// <c>DynamicQuantizeMatMul</c> (activations quantized to uint8 per call, weights stored as int8).
/// </summary>
public sealed record DynamicQuantizationOptions
{
    /// <summary>One scale per output column of the weight (true) or one for the whole weight (false). Per-tensor
    /// scales lose most of the accuracy on real transformers, so per-channel is the default.</summary>
    public bool PerChannel { get; init; } = true;

    /// <summary>Symmetric weights (zero point 0, range ±max) or asymmetric (min..max mapped onto −128..127 with a zero point).</summary>
    public bool Symmetric { get; init; } = true;

    /// <summary>7-bit weights (±63 instead of ±127): needed on CPUs whose int8 dot product saturates (AVX2 without
    /// VNNI); VNNI/AMX do not saturate, so full range is the default there.</summary>
    public bool ReduceRange { get; init; }

    /// <summary>Fold the bias <c>Add</c> that follows a MatMul into the quantized node's bias input.</summary>
    public bool FuseBias { get; init; } = true;

    /// <summary>Weights with fewer elements than this stay fp32: tiny matrices gain no speed and still lose accuracy.</summary>
    public long MinimumWeightElements { get; init; } = 4096;

    /// <summary>Nodes to keep in fp32, by <see cref="WeightMatMul.Name"/>.</summary>
    public IReadOnlySet<string> Excluded { get; init; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>Quantize Gemm nodes (with alpha = beta = 1, no transposed A) as well as MatMul.</summary>
    public bool IncludeGemm { get; init; } = true;

    public DynamicQuantizationOptions Excluding(IEnumerable<string> names) =>
        this with { Excluded = Excluded.Concat(names).ToHashSet(StringComparer.Ordinal) };

    public override string ToString() =>
        $"{(PerChannel ? "per-channel" : "per-tensor")} {(Symmetric ? "symmetric" : "asymmetric")} {(ReduceRange ? "7-bit" : "8-bit")}" +
        $"{(FuseBias ? ", bias fused" : "")}, {Excluded.Count} kept fp32";
}
