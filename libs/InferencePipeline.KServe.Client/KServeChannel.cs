using Grpc.Net.Client;

namespace InferencePipeline.KServe.Client;

/// <summary>
/// The one place a KServe v2 gRPC channel is made without dependency injection: the load generator's targets and
/// the CLI's <c>bench --url</c> measure through it. Nothing stands between a call and the socket — no retry (a
/// retried request would be measured as one slow request), no timeout (a window's latency must be what the server
/// gives), no service-discovery lookup (a handler per request would cost time and allocations in the hot loop) —
/// so the address must be a concrete one. Control calls go through <see cref="KServeClients"/> instead.
/// </summary>
public static class KServeChannel
{
    /// <summary>
    /// A channel suited to load generation: HTTP/2 (h2c for http://), more connections once one is full of
    /// streams, no idle teardown between windows, no limit on message size.
    /// </summary>
    public static GrpcChannel Create(Uri address)
    {
        ArgumentNullException.ThrowIfNull(address);
        var options = new GrpcChannelOptions
        {
            HttpHandler = new SocketsHttpHandler
            {
                EnableMultipleHttp2Connections = true,
                PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
                KeepAlivePingDelay = TimeSpan.FromSeconds(60),
                KeepAlivePingTimeout = TimeSpan.FromSeconds(30),
            },
        };
        RemoveMessageLimits(options);
        return GrpcChannel.ForAddress(address, options);
    }

    /// <summary>A model's tensors can be far larger than gRPC's 4 MB default message limit, either way.</summary>
    internal static void RemoveMessageLimits(GrpcChannelOptions options)
    {
        options.MaxReceiveMessageSize = null;
        options.MaxSendMessageSize = null;
    }
}
