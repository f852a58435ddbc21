using InferencePipeline.Contracts;

namespace InferencePipeline.EndToEndTests;

/// <summary>Pipeline requests small enough for two CPU cores: a 1×1 search at two concurrencies, short windows.</summary>
public static class TestRequests
{
    public static readonly SearchSpace TinySearch = new(
        Concurrency: [1, 2],
        PreferredBatchSizes: [2],
        InstanceCounts: [1],
        MeasurementWindowMs: 150,
        StabilityPercentage: 50,
        MaxTrials: 4);

    /// <summary>Fast settings for the tuner so an end-to-end run takes seconds, not minutes.</summary>
    public static readonly IReadOnlyDictionary<string, string?> FastStages = new Dictionary<string, string?>
    {
        ["Pipeline:OrtTuner:WindowMs"] = "100",
        ["Pipeline:OrtTuner:MaxTrials"] = "4",
        // Still warmed up (the in-process host's way), but briefly: the other test classes keep the JIT busy.
        ["Pipeline:Profiler:WarmupLimit"] = "00:00:01",
        // The test models and every test's own root are temp directories.
        ["Pipeline:Models:AllowedRoots:0"] = Path.GetTempPath(),
    };

    public static StartPipeline For(string modelPath, string modelName, double latencyBudgetMs = 1000) => new(
        PipelineId: Guid.NewGuid(),
        ModelName: modelName,
        ModelUri: modelPath,
        Format: ModelFormat.Auto,
        Inputs: [],
        Outputs: [],
        Constraints: new PipelineConstraints(MaxLatencyP99Ms: latencyBudgetMs),
        Objectives: Objective.Default,
        SearchSpace: TinySearch,
        DeployTarget: DeployTarget.LocalServer);
}
