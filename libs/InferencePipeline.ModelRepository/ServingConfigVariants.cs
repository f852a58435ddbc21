using Inference;
using InferencePipeline.Contracts;

namespace InferencePipeline.ModelRepository;

/// <summary>
/// The profiler's configs: the baseline with one dynamic-batching choice and one instance count, as Model
/// Analyzer generates them (<c>preferred_batch_size: [[1],[2],[4],[8],[16]]</c> × <c>count: [1..5]</c>).
/// </summary>
public static class ServingConfigVariants
{
    /// <summary>
    /// A new config (the baseline is not changed) named <paramref name="name"/>, with dynamic batching when
    /// <paramref name="preferredBatchSizes"/> is not empty, and one instance group of
    /// <paramref name="instanceCount"/> instances of the baseline's kind. max_batch_size is raised to at least
    /// the largest preferred size, since Triton rejects a preferred size above it.
    /// </summary>
    public static ModelConfig With(
        ModelConfig baseline,
        string name,
        IReadOnlyList<int> preferredBatchSizes,
        int instanceCount,
        ulong maxQueueDelayMicroseconds = 0)
    {
        ArgumentNullException.ThrowIfNull(baseline);
        ArgumentNullException.ThrowIfNull(preferredBatchSizes);
        ModelNames.Validate(name);
        ArgumentOutOfRangeException.ThrowIfLessThan(instanceCount, 1);
        if (preferredBatchSizes.Any(size => size < 1))
        {
            throw new ArgumentException($"preferred batch sizes must be >= 1, got [{string.Join(", ", preferredBatchSizes)}]", nameof(preferredBatchSizes));
        }

        var config = baseline.Clone();
        config.Name = name;
        if (preferredBatchSizes.Count > 0)
        {
            if (baseline.MaxBatchSize == 0)
            {
                throw new ArgumentException(
                    $"model '{baseline.Name}' has max_batch_size 0 (its dims have no batch dimension), so it cannot use dynamic batching",
                    nameof(preferredBatchSizes));
            }

            var batching = new ModelDynamicBatching { MaxQueueDelayMicroseconds = maxQueueDelayMicroseconds };
            batching.PreferredBatchSize.AddRange(preferredBatchSizes.Distinct().Order());
            config.DynamicBatching = batching;
            config.MaxBatchSize = Math.Max(config.MaxBatchSize, preferredBatchSizes.Max());
        }
        else
        {
            config.ClearSchedulingChoice();
        }

        var kind = baseline.InstanceGroup.Count > 0 ? baseline.InstanceGroup[0].Kind : ModelInstanceGroup.Types.Kind.Cpu;
        config.InstanceGroup.Clear();
        config.InstanceGroup.Add(new ModelInstanceGroup { Count = instanceCount, Kind = kind });
        return config;
    }
}
