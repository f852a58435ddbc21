using InferencePipeline.ModelAnalyzer.Config;
using InferencePipeline.ModelAnalyzer.Reports;
using InferencePipeline.ModelAnalyzer.Search;

namespace InferencePipeline.ModelAnalyzer.Profiling;

/// <summary>
/// Everything the engine needs to profile one model: the configs always swept first (the default, and the
/// pipeline's ORT-tuned one), the searched space, how it is searched, the loads, and what "better" means.
/// </summary>
/// <param name="NoiseMargin">
/// How far apart two measurements of equal configs may read: the measurement's stability band (perf_analyzer's
/// stability percentage as a fraction). Quick search treats candidates this close as level.
/// </param>
public sealed record ModelProfileJob(
    string ModelName,
    IReadOnlyList<PlannedServingConfig> Fixed,
    IConfigGrid? Grid,
    ConfigSearchMode Mode,
    LoadSpec Load,
    ConstraintSet Constraints,
    ObjectiveScore Score,
    int NumConfigsPerModel = 3,
    double NoiseMargin = PerfAnalyzerFlags.DefaultStabilityPercentage / 100)
{
    /// <summary>The most measurements one config's sweep can take.</summary>
    public int PerConfig => Load.MaxPerConfig(Constraints.HasLatencyBound);

    /// <summary>The configs brute force measures: the fixed ones, then each distinct grid config in order.</summary>
    public IReadOnlyList<PlannedServingConfig> DistinctConfigs()
    {
        var seen = new HashSet<string>(Fixed.Select(c => c.Identity), StringComparer.Ordinal);
        var configs = new List<PlannedServingConfig>(Fixed);
        if (Grid is not null)
        {
            foreach (var coordinate in Grid.Coordinates())
            {
                var config = Grid.At(coordinate);
                if (seen.Add(config.Identity))
                {
                    configs.Add(config);
                }
            }
        }

        return configs;
    }

    /// <summary>
    /// At most how many measurements the profile takes: every config's full sweep in brute mode; in quick mode the
    /// fixed configs' sweeps, one measurement per grid config, and the sweeps of the best few.
    /// </summary>
    public int MaxMeasurements(int distinctConfigs)
    {
        if (Mode == ConfigSearchMode.Brute || Grid is null)
        {
            return distinctConfigs * PerConfig;
        }

        var searched = distinctConfigs - Fixed.Count;
        return Fixed.Count * PerConfig + searched + Math.Min(NumConfigsPerModel, searched) * PerConfig;
    }
}
