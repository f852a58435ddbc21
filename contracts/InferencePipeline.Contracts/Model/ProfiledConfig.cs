namespace InferencePipeline.Contracts;

/// <summary>
/// One serving config the profiler measured. <see cref="Variant"/> says which line of the report it
/// belongs to: the converter's default, the ORT-tuned model, or a point of the Triton search.
/// </summary>
public sealed record ProfiledConfig(
    string Name,
    ConfigVariant Variant,
    int MaxBatchSize,
    IReadOnlyList<int> PreferredBatchSizes,
    int InstanceCount,
    string ConfigUri)
{
    public bool DynamicBatching => PreferredBatchSizes.Count > 0;
}

public enum ConfigVariant
{
    Default = 0,
    OrtTuned = 1,
    TritonSearch = 2,
}
