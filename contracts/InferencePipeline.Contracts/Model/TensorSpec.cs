namespace InferencePipeline.Contracts;

/// <summary>
/// One model input or output as Triton names it: tensor name, KServe v2 datatype ("INT64", "FP32", ...)
/// and shape, where -1 is a dynamic dimension (the seed's BERT inputs are INT64 [-1, 256]).
/// </summary>
public sealed record TensorSpec(string Name, string DataType, IReadOnlyList<long> Shape);
