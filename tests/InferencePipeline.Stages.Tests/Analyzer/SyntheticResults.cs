using InferencePipeline.Artifacts;
using InferencePipeline.Contracts;

namespace InferencePipeline.Stages.Tests.Analyzer;

/// <summary>
/// A hand-built profile, shaped like a real CPU run of the demo BERT, whose answer is known:
/// under a 20 ms p99 budget "bert_config_2" (2 instances, batch 8) at concurrency 8 is the fastest search
/// point in budget (480/s); "bert_config_3" is faster (600/s) but only at 41 ms, so a budget that is
/// ignored would pick it instead.
/// </summary>
public static class SyntheticResults
{
    public const string ModelName = "bert";

    public static ProfileResults Build(Guid pipelineId)
    {
        var measurements = new List<ProfileMeasurement>();
        var defaultConfig = Config(pipelineId, "bert_default", ConfigVariant.Default, "converter", [], 1);
        var ortConfig = Config(pipelineId, "bert_ort", ConfigVariant.OrtTuned, "ort-tuner", [], 1);
        var search = new[]
        {
            Config(pipelineId, "bert_config_0", ConfigVariant.TritonSearch, "profiler", [4], 1),
            Config(pipelineId, "bert_config_1", ConfigVariant.TritonSearch, "profiler", [4], 2),
            Config(pipelineId, "bert_config_2", ConfigVariant.TritonSearch, "profiler", [8], 2),
            Config(pipelineId, "bert_config_3", ConfigVariant.TritonSearch, "profiler", [16], 2),
        };

        int[] concurrency = [1, 2, 4, 8];
        Add(measurements, defaultConfig, concurrency, [100, 110, 115, 116], [11, 19, 36, 70]);
        Add(measurements, ortConfig, concurrency, [150, 190, 200, 205], [7, 11, 21, 40]);
        Add(measurements, search[0], concurrency, [140, 220, 300, 310], [8, 10, 14, 27]);
        Add(measurements, search[1], concurrency, [145, 250, 360, 400], [8, 9, 12, 22]);
        Add(measurements, search[2], concurrency, [140, 240, 380, 480], [8, 9, 11, 19]);
        Add(measurements, search[3], concurrency, [120, 200, 350, 600], [9, 12, 25, 41]);
        return new ProfileResults(pipelineId, ModelName, measurements);
    }

    /// <summary>Writes the results file (and each config.pbtxt the analyzer quotes) into the store; returns the results URI.</summary>
    public static async Task<string> WriteAsync(ArtifactStore store, ProfileResults results)
    {
        foreach (var config in results.Measurements.Select(m => m.Config).DistinctBy(c => c.Name))
        {
            await store.WriteTextAsync(config.ConfigUri,
                $"name: \"{ModelName}\"\nmax_batch_size: {config.MaxBatchSize}\ninstance_group [ {{ count: {config.InstanceCount} kind: KIND_CPU }} ]\n");
        }

        var uri = ArtifactStore.UriFor(results.PipelineId, "profiler", "results.json");
        await store.WriteTextAsync(uri, results.ToJson());
        return uri;
    }

    private static ProfiledConfig Config(Guid pipelineId, string name, ConfigVariant variant, string stage, int[] preferred, int instances) =>
        new(name, variant, 16, preferred, instances,
            ArtifactStore.UriFor(pipelineId, stage, "model_repository", name, "config.pbtxt"));

    private static void Add(List<ProfileMeasurement> list, ProfiledConfig config, int[] concurrency, double[] throughput, double[] p99)
    {
        for (var i = 0; i < concurrency.Length; i++)
        {
            var stats = new LatencyStats(throughput[i], p99[i] * 0.6, p99[i] * 0.55, p99[i] * 0.8, p99[i] * 0.9, p99[i], (long)(throughput[i] * 3), true);
            list.Add(new ProfileMeasurement(config, concurrency[i], stats));
        }
    }
}
