namespace InferencePipeline.Converter;

/// <summary>Configuration section <c>Pipeline:Converter</c>.</summary>
public sealed class ConverterOptions
{
    public const string Section = "Pipeline:Converter";

    /// <summary>
    /// max_batch_size of the default config when every input and output has a dynamic first dimension.
    /// 16 is the largest preferred batch of the seed's search (1, 2, 4, 8, 16), so the baseline entry accepts
    /// every batch the profiler will try; a fixed first dimension gets 0 (the model does not batch).
    /// </summary>
    public int DynamicMaxBatchSize { get; set; } = 16;

    /// <summary>
    /// The baseline's instance kind: auto (KIND_GPU where ONNX Runtime's CUDA provider loads, as on the seed's
    /// V100; KIND_CPU elsewhere), cpu or gpu.
    /// </summary>
    public string BaselineInstanceKind { get; set; } = "auto";

    /// <summary>Whether the baseline asks for a GPU instance, given whether CUDA loads on this host.</summary>
    public static bool BaselineOnGpu(string? kind, Func<bool> cudaLoads) => (kind ?? "auto").Trim().ToLowerInvariant() switch
    {
        "gpu" => true,
        "cpu" => false,
        "auto" or "" => cudaLoads(),
        _ => throw new ArgumentException($"Pipeline:Converter:BaselineInstanceKind is '{kind}'; use auto, cpu or gpu.", nameof(kind)),
    };
}
