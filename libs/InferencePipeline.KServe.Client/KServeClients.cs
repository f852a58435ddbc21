using Grpc.Net.Client;
using Grpc.Net.ClientFactory;
using Inference;
using Microsoft.Extensions.Options;

namespace InferencePipeline.KServe.Client;

/// <summary>
/// Control clients of KServe v2 servers (model load, unload and readiness, metadata, the deployer's smoke inference),
/// made by Grpc.Net.ClientFactory, so the host's HttpClient defaults — service discovery and resilience in the
/// service hosts — apply to them. Registered by <see cref="KServeClientRegistration.AddKServeClient"/>, which
/// also says which handlers these clients get. Measurement never goes through here: see <see cref="KServeChannel"/>.
/// </summary>
public sealed class KServeClients(
    GrpcClientFactory clientFactory,
    IHttpMessageHandlerFactory handlerFactory,
    IOptions<InferenceServerEndpointOptions> endpoint)
{
    /// <summary>The name of the control client's registration and of its HttpClient handler pipeline.</summary>
    public const string ControlClientName = "kserve-control";

    /// <summary>The configured server (<c>Pipeline:InferenceServer:GrpcAddress</c>).</summary>
    public Uri ServerAddress => endpoint.Value.GrpcAddress;

    /// <summary>
    /// A control connection to <paramref name="address"/>, or to the configured server when it is null. The configured
    /// server's client comes from the client factory; another endpoint (a deployment target that names its own) gets a
    /// channel of its own over the same handler pipeline, owned by the connection.
    /// </summary>
    public KServeConnection Connect(Uri? address = null)
    {
        if (address is null || address == ServerAddress)
        {
            return new KServeConnection(
                ServerAddress, clientFactory.CreateClient<GRPCInferenceService.GRPCInferenceServiceClient>(ControlClientName), ownedChannel: null);
        }

        // What the client factory does for a registered address, for an address known only now. The pipeline's
        // handlers belong to the factory: the channel must not dispose them.
        var options = new GrpcChannelOptions { HttpHandler = handlerFactory.CreateHandler(ControlClientName), DisposeHttpClient = false };
        KServeChannel.RemoveMessageLimits(options);
        var channel = GrpcChannel.ForAddress(address, options);
        return new KServeConnection(address, new GRPCInferenceService.GRPCInferenceServiceClient(channel), channel);
    }
}
