namespace InferencePipeline.Analyzer;

/// <summary>Where the analyzer writes, under <c>artifacts/&lt;pipeline&gt;/analyzer/</c>; names follow Model Analyzer's export layout.</summary>
public static class AnalyzerArtifacts
{
    public const string Stage = "analyzer";

    public static string MetricsCsv(Guid pipelineId) => Artifacts.ArtifactStore.UriFor(pipelineId, Stage, "results", "metrics-model-inference.csv");

    public static string Plot(Guid pipelineId) => Artifacts.ArtifactStore.UriFor(pipelineId, Stage, "Optimal_Results.png");

    public static string ConfigLocation(Guid pipelineId) => Artifacts.ArtifactStore.UriFor(pipelineId, Stage, "Optimal_ConfigFile_Location.txt");

    public static string Report(Guid pipelineId) => Artifacts.ArtifactStore.UriFor(pipelineId, Stage, "report.html");
}
