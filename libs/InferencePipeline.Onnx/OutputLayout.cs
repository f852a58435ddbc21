namespace InferencePipeline.Onnx;

/// <summary>
/// What the accuracy gate needs to know about an output besides its numbers: the length of its last axis, whether
/// it is floating point, and whether its vectors are per sequence position ([batch, sequence, …] with the same
/// batch and sequence as the model's attention mask), so that padded positions can be left out.
/// </summary>
public sealed record OutputLayout(int LastDimension, bool IsFloatingPoint, bool FollowsSequenceMask = false);
