namespace InferencePipeline.LoadGen;

/// <summary>One entry of perf_analyzer's "data" array: every input of one batch-1 request, by name.</summary>
public sealed record InputDataStep(int Index, IReadOnlyDictionary<string, InputDataTensor> Tensors);
