using Grpc.Net.Client;
using Inference;

namespace InferencePipeline.KServe.Client;

/// <summary>
/// A control connection to one KServe v2 server, from <see cref="KServeClients.Connect"/>. Dispose it when done:
/// a connection to an endpoint other than the configured server owns its channel.
/// </summary>
public sealed class KServeConnection : IDisposable
{
    private readonly GrpcChannel? _ownedChannel;

    internal KServeConnection(Uri address, GRPCInferenceService.GRPCInferenceServiceClient client, GrpcChannel? ownedChannel)
    {
        Address = address;
        Client = client;
        ModelControl = new KServeModelControl(client);
        _ownedChannel = ownedChannel;
    }

    public Uri Address { get; }

    public GRPCInferenceService.GRPCInferenceServiceClient Client { get; }

    /// <summary>Load, reload with an override, wait for ready, unload — over <see cref="Client"/>.</summary>
    public KServeModelControl ModelControl { get; }

    public void Dispose() => _ownedChannel?.Dispose();
}
