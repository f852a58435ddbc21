namespace InferencePipeline.TritonProfiler.Checkpoints;

/// <summary>The identity of one point of a profile: a config at a concurrency, as "&lt;config&gt;@&lt;concurrency&gt;".</summary>
public static class MeasurementKey
{
    public static string For(string configName, int concurrency) => $"{configName}@{concurrency}";
}
