namespace InferencePipeline.Onnx.Precision;

/// <summary>
/// A MatMul or Gemm whose second operand is a constant 2-D float weight [K, N] (after any transpose): what int8
/// dynamic quantization can replace. <see cref="Name"/> is the node's name, or its first output's when unnamed.
/// <see cref="Bias"/> is the constant [N] bias that can be folded in (Gemm's C, or a following Add), if any.
/// </summary>
public sealed record WeightMatMul(string Name, string OpType, string Weight, long K, long N, string? Bias)
{
    public long WeightElements => K * N;

    public override string ToString() => $"{Name} ({OpType} {K}x{N}{(Bias is null ? "" : " +bias")})";
}
