using InferencePipeline.LocalInfrastructure;

namespace InferencePipeline.AppHost.Infrastructure;

/// <summary>
/// The serving side (<see cref="InferenceServerChoice"/>): the Triton container over the shared model repository,
/// or our embedded KServe v2 server over ONNX Runtime, same protocol. Profiler and deployer only ever see a gRPC
/// address and the repository directory. Published, the repository is on the shared artifacts volume and every
/// port is a container port.
/// </summary>
public static class InferenceServerExtensions
{
    public const string ResourceName = "inference-server";
    public const string RepositoryFolder = "model-repository";

    public static InferenceServer AddInferenceServer(this IDistributedApplicationBuilder builder, string artifactsRoot)
    {
        var publishing = builder.ExecutionContext.IsPublishMode;
        var repository = publishing ? $"{artifactsRoot}/{RepositoryFolder}" : Path.Combine(artifactsRoot, RepositoryFolder);
        if (!publishing)
        {
            Directory.CreateDirectory(repository);
        }

        var kind = InferenceServerChoice.Decide(builder.Configuration[InferenceServerChoice.ConfigKey], publishing, DockerDaemon.IsAvailable, NvidiaGpu.IsPresent);
        return kind == InferenceServerKind.Triton
            ? AddTriton(builder, artifactsRoot, repository, publishing)
            : AddEmbedded(builder, repository, publishing);
    }

    private static InferenceServer AddTriton(IDistributedApplicationBuilder builder, string artifactsRoot, string repository, bool publishing)
    {
        var triton = TritonContainer.Add(builder, ResourceName, repository);
        if (publishing)
        {
            triton.WithVolume(PipelineInfrastructureExtensions.ArtifactsVolume, artifactsRoot);
        }
        else
        {
            // The same path inside and outside, so the deployer's and profiler's paths mean the same file to Triton.
            triton.WithBindMount(repository, repository).WithContainerRuntimeArgs("--gpus=all");
        }

        return new InferenceServer(triton, triton.GetEndpoint("grpc"), repository);
    }

    private static InferenceServer AddEmbedded(IDistributedApplicationBuilder builder, string repository, bool publishing)
    {
        // Locally both ports are chosen here (no launch profile) and handed over as tritonserver-style arguments;
        // published they are Triton's own container ports. gRPC is a cleartext HTTP/2-only port, as Triton's clients expect.
        var grpcPort = publishing ? TritonContainer.GrpcPort : FreePort.Get();
        var httpPort = publishing ? TritonContainer.HttpPort : FreePort.Get();
        var embedded = builder.AddProject<Projects.InferencePipeline_InferenceServer_Host>(ResourceName, launchProfileName: null)
            .WithArgs("--model-repository", repository, "--model-control-mode", "explicit",
                "--grpc-port", grpcPort.ToString(), "--http-port", httpPort.ToString());
        if (publishing)
        {
            embedded
                .WithEndpoint(targetPort: grpcPort, scheme: "http", name: "grpc")
                .WithHttpEndpoint(targetPort: httpPort, name: "http")
                .WithEnvironment(PipelineInfrastructureExtensions.ArtifactsRootVariable, PipelineInfrastructureExtensions.CloudArtifactsRoot);
        }
        else
        {
            embedded
                .WithEndpoint(port: grpcPort, targetPort: grpcPort, scheme: "http", name: "grpc", isProxied: false)
                .WithHttpEndpoint(port: httpPort, targetPort: httpPort, name: "http", isProxied: false);
        }

        embedded.WithHttpHealthCheck("/health", endpointName: "http");
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
