using InferencePipeline.Contracts;
using InferencePipeline.TritonProfiler.Checkpoints;
using InferencePipeline.TritonProfiler.Configs;

namespace InferencePipeline.TritonProfiler.Measuring;

/// <summary>
/// Every point of one profile: each config at each concurrency, concurrencies ascending (climbing, so a
/// config can stop once it is past the latency budget). A point's index is its 0-based position here (as the
/// orchestrator and CLI read it: Index + 1 of Total), the same on every delivery of the command, so a consumer of
/// <see cref="ProfileMeasured"/> can deduplicate on it.
/// </summary>
public sealed class ProfilePlan
{
    public ProfilePlan(IReadOnlyList<PlannedConfig> configs, IEnumerable<int> concurrencies)
    {
        Configs = configs;
        Concurrencies = concurrencies.Distinct().Order().ToList();
    }

    public IReadOnlyList<PlannedConfig> Configs { get; }

    public IReadOnlyList<int> Concurrencies { get; }

    public int Total => Configs.Count * Concurrencies.Count;

    public int IndexOf(int configIndex, int concurrencyIndex) => configIndex * Concurrencies.Count + concurrencyIndex;

    /// <summary>The 0-based index of a checkpointed point, or null when it is not part of this plan.</summary>
    public int? IndexOf(string key)
    {
        for (var c = 0; c < Configs.Count; c++)
        {
            for (var k = 0; k < Concurrencies.Count; k++)
            {
                if (MeasurementKey.For(Configs[c].Name, Concurrencies[k]) == key)
                {
                    return IndexOf(c, k);
                }
            }
        }

        return null;
    }

    /// <summary>
    /// Whether any point still has to be measured: walking each config's concurrencies as the runner does,
    /// some point is missing before the config would stop climbing.
    /// </summary>
    public int PendingConfigs(IReadOnlyDictionary<string, CheckpointedMeasurement> checkpoints, ClimbLimit limit)
    {
        var pending = 0;
        foreach (var config in Configs)
        {
            foreach (var concurrency in Concurrencies)
            {
                if (!checkpoints.TryGetValue(MeasurementKey.For(config.Name, concurrency), out var done))
                {
                    pending++;
                    break;
                }

                if (limit.StopsAfter(done.Measurement.Stats))
                {
                    break;
                }
            }
        }

        return pending;
    }

    /// <summary>The checkpointed measurements of this plan, in plan order (the order results.json lists them).</summary>
    public IReadOnlyList<ProfileMeasurement> InOrder(IReadOnlyDictionary<string, CheckpointedMeasurement> checkpoints)
    {
        var ordered = new List<ProfileMeasurement>();
        foreach (var config in Configs)
        {
            foreach (var concurrency in Concurrencies)
            {
                if (checkpoints.TryGetValue(MeasurementKey.For(config.Name, concurrency), out var point))
                {
                    ordered.Add(point.Measurement);
                }
            }
        }

        return ordered;
    }
}
