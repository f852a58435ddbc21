using System.Net.Sockets;
using Grpc.Core;

namespace InferencePipeline.Deployer;

/// <summary>
/// Failures of a server call that may pass on a later try (server down or restarting, network dropped),
/// as opposed to the server saying no. Transient ones are rethrown for MassTransit to retry.
/// </summary>
public static class TransientFaults
{
    public static bool IsTransient(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case RpcException rpc when rpc.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded
                    or StatusCode.Aborted or StatusCode.ResourceExhausted or StatusCode.Cancelled:
                case HttpRequestException:
                case SocketException:
                    return true;
            }
        }

        return false;
    }
}
