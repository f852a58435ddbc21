using InferencePipeline.Contracts;
using InferencePipeline.LoadGen;

namespace InferencePipeline.OrtTuner.Trials;

/// <summary>
/// What one trial runs: the model file (fp32, or transformed to int8/fp16), the session settings, the model's inputs
/// (every dimension concrete but a leading -1 batch), the batch sizes to time and how (perf_analyzer's windows and
/// stability rule, at <see cref="Concurrency"/> requests in flight).
/// </summary>
public sealed record TrialSpec(
    string ModelPath,
    OrtSettings Settings,
    IReadOnlyList<TensorSpec> Inputs,
    IReadOnlyList<int> BatchSizes,
    LoadGenOptions Load,
    int Concurrency = 1)
{
    /// <summary>Whether every input's first dimension is a dynamic batch; otherwise only batch 1 can be sent.</summary>
    public bool Batches => Inputs.Count > 0 && Inputs.All(i => i.Shape.Count > 0 && i.Shape[0] < 0);
}
