namespace InferencePipeline.ModelRepository;

/// <summary>
/// The execution provider names <see cref="InferencePipeline.Contracts.OrtSettings.ExecutionProvider"/> uses,
/// and their normal form (the tuner, config and session factory all compare through <see cref="Normalize"/>).
/// </summary>
public static class OrtExecutionProviderNames
{
    public const string Cpu = "CPU";
    public const string Cuda = "CUDA";
    public const string TensorRt = "TensorRT";

    /// <summary>"cpu", "CPUExecutionProvider" → "CPU"; "trt", "tensorrt" → "TensorRT"; unknown → ArgumentException.</summary>
    public static string Normalize(string? name)
    {
        string key = (name ?? "").Trim().ToUpperInvariant();
        if (key.EndsWith("EXECUTIONPROVIDER", StringComparison.Ordinal))
        {
            key = key[..^"EXECUTIONPROVIDER".Length];
        }

        return key switch
        {
            "" or "CPU" => Cpu,
            "CUDA" or "GPU" => Cuda,
            "TENSORRT" or "TRT" => TensorRt,
            _ => throw new ArgumentException($"unknown execution provider '{name}' (known: {Cpu}, {Cuda}, {TensorRt})", nameof(name)),
        };
    }
}
