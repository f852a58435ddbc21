namespace InferencePipeline.Contracts;

/// <summary>
/// One serving config the profiler measured. <see cref="Variant"/> says which line of the report it
/// belongs to: the converter's default, the ORT-tuned model, or a point of the Triton search.
/// </summary>
/// <param name="InstanceKind">The kind the instances really ran as ("CPU" or "GPU"), which may differ from the one asked for.</param>
/// <param name="BackendParameters">The backend's <c>parameters</c> the config sets (ONNX Runtime's thread counts, ...); null when none.</param>
/// <param name="DynamicBatchingEnabled">Whether the config has a dynamic_batching block; null means "when it has preferred sizes".</param>
public sealed record ProfiledConfig(
    string Name,
    ConfigVariant Variant,
    int MaxBatchSize,
    IReadOnlyList<int> PreferredBatchSizes,
    int InstanceCount,
    string ConfigUri,
    string InstanceKind = "CPU",
    IReadOnlyDictionary<string, string>? BackendParameters = null,
    bool? DynamicBatchingEnabled = null)
{
    public bool DynamicBatching => DynamicBatchingEnabled ?? PreferredBatchSizes.Count > 0;

    /// <summary>The batching as a report line says it: "batch [4]", "dynamic batching" (no preferred sizes) or "no batching".</summary>
    public string BatchingSummary =>
        PreferredBatchSizes.Count > 0 ? $"batch [{string.Join(',', PreferredBatchSizes)}]" : DynamicBatching ? "dynamic batching" : "no batching";
}

public enum ConfigVariant
{
    Default = 0,
    OrtTuned = 1,
    TritonSearch = 2,
}
