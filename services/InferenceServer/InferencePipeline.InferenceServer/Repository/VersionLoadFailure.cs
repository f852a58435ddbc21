namespace InferencePipeline.InferenceServer.Repository;

/// <summary>One selected version that could not load, and why (the reason Triton shows for an UNAVAILABLE version).</summary>
internal sealed record VersionLoadFailure(long Version, string Reason);
