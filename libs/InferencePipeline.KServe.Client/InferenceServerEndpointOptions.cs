namespace InferencePipeline.KServe.Client;

/// <summary>
/// Configuration section <c>Pipeline:InferenceServer</c>: the inference server the profiler measures on
/// and the deployer serves from. The server's model repository is a shared directory: the AppHost and
/// the CLI start the server on that same directory, so a stage places a model by writing files there
/// and then asks the server to load it over KServe v2 gRPC.
/// </summary>
public sealed class InferenceServerEndpointOptions
{
    public const string Section = "Pipeline:InferenceServer";

    /// <summary>The KServe v2 gRPC endpoint (Triton's port 8001 by default).</summary>
    public Uri GrpcAddress { get; set; } = new("http://localhost:8001");

    /// <summary>The server's model repository directory, as this process sees it.</summary>
    public string ModelRepository { get; set; } = "model_repository";
}
