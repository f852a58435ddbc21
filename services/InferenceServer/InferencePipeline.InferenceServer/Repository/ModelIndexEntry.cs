namespace InferencePipeline.InferenceServer.Repository;

/// <summary>A model's row in RepositoryIndex: Triton's states are READY, UNAVAILABLE, LOADING, UNLOADING.</summary>
internal sealed record ModelIndexEntry(string Name, string Version, string State, string Reason)
{
    public const string Ready = "READY";
    public const string Unavailable = "UNAVAILABLE";
    public const string Loading = "LOADING";
}
