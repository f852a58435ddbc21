using InferencePipeline.LocalInfrastructure;

namespace InferencePipeline.AppHost.Infrastructure;

/// <summary>
/// The serving side. With Docker and an NVIDIA GPU: the Triton container (the seed's server) over the
/// shared model repository. Otherwise: our embedded KServe v2 server over ONNX Runtime, same protocol.
/// Profiler and deployer only ever see a gRPC address and the repository directory.
/// </summary>
public static class InferenceServerExtensions
{
    public const string TritonImage = "nvcr.io/nvidia/tritonserver";
    public const string TritonTag = "24.08-py3";

    public static InferenceServer AddInferenceServer(this IDistributedApplicationBuilder builder, string artifactsRoot)
    {
        var repository = Path.Combine(artifactsRoot, "model-repository");
        Directory.CreateDirectory(repository);

        var useTriton = builder.Configuration["InferenceServer:Kind"] switch
        {
            "triton" => true,
            "embedded" => false,
            _ => DockerDaemon.IsAvailable() && NvidiaGpu.IsPresent(),
        };

        if (useTriton)
        {
            var triton = builder.AddContainer("inference-server", TritonImage, TritonTag)
                .WithBindMount(repository, "/models")
                .WithArgs("tritonserver", "--model-repository=/models", "--model-control-mode=explicit")
                .WithContainerRuntimeArgs("--gpus=all")
                .WithHttpEndpoint(targetPort: 8000, name: "http")
                .WithEndpoint(targetPort: 8001, name: "grpc", scheme: "http")
                .WithHttpEndpoint(targetPort: 8002, name: "metrics");
            return new InferenceServer(triton, triton.GetEndpoint("grpc"), repository);
        }

        // No launch profile: both ports are chosen here and handed over as tritonserver-style arguments,
        // gRPC on a cleartext HTTP/2-only port (what Triton's clients expect), REST/health on the other.
        var grpcPort = FreePort.Get();
        var httpPort = FreePort.Get();
        var embedded = builder.AddProject<Projects.InferencePipeline_InferenceServer_Host>("inference-server", launchProfileName: null)
            .WithArgs("--model-repository", repository, "--model-control-mode", "explicit",
                "--grpc-port", grpcPort.ToString(), "--http-port", httpPort.ToString())
            .WithEndpoint(port: grpcPort, targetPort: grpcPort, scheme: "http", name: "grpc", isProxied: false)
            .WithHttpEndpoint(port: httpPort, targetPort: httpPort, name: "http", isProxied: false)
            .WithHttpHealthCheck("/health", endpointName: "http");
        return new InferenceServer(embedded, embedded.GetEndpoint("grpc"), repository);
    }

    public static IResourceBuilder<ProjectResource> WithInferenceServer(
        this IResourceBuilder<ProjectResource> project, InferenceServer server) =>
        project
            .WithEnvironment("Pipeline__InferenceServer__GrpcAddress", server.GrpcEndpoint)
            .WithEnvironment("Pipeline__InferenceServer__ModelRepository", server.ModelRepository)
            .WaitFor(server.Resource);
}

/// <summary>The inference server as its clients see it: a resource to wait for, its gRPC endpoint and repository.</summary>
public sealed record InferenceServer(IResourceBuilder<IResource> Resource, EndpointReference GrpcEndpoint, string ModelRepository);
