using Onnx;

namespace InferencePipeline.Onnx.Precision;

/// <summary>The fp16 model, how many nodes compute in fp16 and how many Casts the conversion added.</summary>
public sealed record Fp16ConversionResult(ModelProto Model, int HalfNodes, int CastsAdded, Fp16ConversionOptions Options)
{
    public override string ToString() => $"{HalfNodes} nodes in fp16, {CastsAdded} Casts added ({Options})";
}
