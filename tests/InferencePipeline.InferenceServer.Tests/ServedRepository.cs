using Grpc.Net.Client;
using Inference;

namespace InferencePipeline.InferenceServer.Tests;

/// <summary>
/// A test repository served by a real embedded server (Kestrel, ORT) with a gRPC client to it: the start and stop
/// that test classes with a server of their own share. Disposing it stops the server and deletes the repository.
/// </summary>
public sealed class ServedRepository : IAsyncDisposable
{
    private ServedRepository(TestModelRepository repository, EmbeddedInferenceServer server)
    {
        Repository = repository;
        Server = server;
        Channel = GrpcChannel.ForAddress(server.GrpcAddress);
        Client = new GRPCInferenceService.GRPCInferenceServiceClient(Channel);
    }

    public TestModelRepository Repository { get; }
    public EmbeddedInferenceServer Server { get; }
    public GrpcChannel Channel { get; }
    public GRPCInferenceService.GRPCInferenceServiceClient Client { get; }

    /// <summary>Serves <paramref name="repository"/> in <paramref name="mode"/>; <paramref name="configure"/> sets any other option.</summary>
    public static async Task<ServedRepository> StartAsync(TestModelRepository repository, ModelControlMode mode,
        Action<InferenceServerOptions>? configure = null)
    {
        var options = new InferenceServerOptions { ModelRepository = repository.Root, ControlMode = mode };
        configure?.Invoke(options);
        return new ServedRepository(repository, await EmbeddedInferenceServer.StartAsync(options));
    }

    public async ValueTask DisposeAsync()
    {
        Channel.Dispose();
        await Server.DisposeAsync();
        Repository.Dispose();
    }
}
