namespace InferencePipeline.Onnx;

/// <summary>
/// Which ONNX Runtime execution providers can actually be used here. CPU always can; CUDA and TensorRT only
/// when their native libraries (and CUDA) load. <see cref="Reasons"/> says why a provider is unavailable.
/// </summary>
public sealed record ExecutionProviderReport(bool Cpu, bool Cuda, bool TensorRt, IReadOnlyDictionary<string, string> Reasons)
{
    /// <summary>Names of the usable providers, in <see cref="InferencePipeline.ModelRepository.OrtExecutionProviderNames"/> form.</summary>
    public IReadOnlyList<string> Available =>
        new[] { (Cpu, "CPU"), (Cuda, "CUDA"), (TensorRt, "TensorRT") }.Where(p => p.Item1).Select(p => p.Item2).ToArray();

    /// <summary>Whether a provider ("CPU", "cuda", "TensorRT", ...) is usable.</summary>
    public bool IsAvailable(string provider) => InferencePipeline.ModelRepository.OrtExecutionProviderNames.Normalize(provider) switch
    {
        "CUDA" => Cuda,
        "TensorRT" => TensorRt,
        _ => Cpu,
    };
}
