namespace InferencePipeline.AppHost.Infrastructure;

/// <summary>
/// NVIDIA Triton Inference Server as the AppHost runs and publishes it: the one pinned image, its three ports,
/// explicit model control (the deployer and profiler load and unload models over KServe v2, as with the
/// embedded server), and readiness on Triton's own <c>/v2/health/ready</c>.
/// </summary>
public static class TritonContainer
{
    public const string Image = "nvcr.io/nvidia/tritonserver";

    /// <summary>The one place the release is pinned; the -py3 image carries the ONNX Runtime backend.</summary>
    public const string Tag = "25.01-py3";

    public const int HttpPort = 8000;
    public const int GrpcPort = 8001;
    public const int MetricsPort = 8002;
    public const string ReadyPath = "/v2/health/ready";

    /// <summary>
    /// The server's command: the repository directory is made first, since Triton refuses to start on a missing
    /// one and a fresh volume is empty.
    /// </summary>
    public static string[] Arguments(string repository) =>
    [
        "-c",
        $"mkdir -p {repository} && exec tritonserver --model-repository={repository} --model-control-mode=explicit " +
        $"--http-port={HttpPort} --grpc-port={GrpcPort} --metrics-port={MetricsPort}",
    ];

    public static IResourceBuilder<ContainerResource> Add(IDistributedApplicationBuilder builder, string name, string repository) =>
        builder.AddContainer(name, Image, Tag)
            .WithEntrypoint("/bin/sh")
            .WithArgs(Arguments(repository))
            .WithHttpEndpoint(targetPort: HttpPort, name: "http")
            .WithEndpoint(targetPort: GrpcPort, name: "grpc", scheme: "http")
            .WithHttpEndpoint(targetPort: MetricsPort, name: "metrics")
            .WithHttpHealthCheck(ReadyPath, endpointName: "http");
}
