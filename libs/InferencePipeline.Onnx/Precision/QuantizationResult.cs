using Onnx;

namespace InferencePipeline.Onnx.Precision;

/// <summary>The int8 model, the nodes that were quantized and those kept in fp32 (with why).</summary>
public sealed record QuantizationResult(
    ModelProto Model,
    IReadOnlyList<WeightMatMul> Quantized,
    IReadOnlyList<(WeightMatMul Node, string Reason)> KeptFp32,
    DynamicQuantizationOptions Options)
{
    public override string ToString() =>
        $"{Quantized.Count} of {Quantized.Count + KeptFp32.Count} weight MatMul/Gemm nodes quantized to int8 ({Options})";
}
