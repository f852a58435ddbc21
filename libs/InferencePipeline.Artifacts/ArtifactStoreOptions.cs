namespace InferencePipeline.Artifacts;

/// <summary>Configuration section <c>Pipeline:Artifacts</c>.</summary>
public sealed class ArtifactStoreOptions
{
    public const string Section = "Pipeline:Artifacts";

    /// <summary>The directory every <c>artifacts/...</c> URI is relative to. Shared by all services of one deployment.</summary>
    public string Root { get; set; } = "artifacts";
}
