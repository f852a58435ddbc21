namespace InferencePipeline.Onnx;

/// <summary>What the accuracy gate needs to know about an output besides its numbers: the length of its last axis and whether it is floating point.</summary>
public sealed record OutputLayout(int LastDimension, bool IsFloatingPoint);
