using System.Reflection;

namespace InferencePipeline.InferenceServer;

/// <summary>What the server calls itself in ServerMetadata, over gRPC and REST alike.</summary>
internal static class ServerIdentity
{
    public const string Name = "inference-pipeline-embedded";

    public static readonly string Version =
        typeof(ServerIdentity).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0";
}
