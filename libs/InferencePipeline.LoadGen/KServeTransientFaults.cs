using System.Net.Sockets;
using Grpc.Core;

namespace InferencePipeline.LoadGen;

/// <summary>
/// Which failures of a KServe v2 call may pass on a later try (the server is down or restarting, the network
/// dropped, a call timed out) as opposed to the server saying no. Stages rethrow transient ones so that
/// MassTransit retries the command, and turn the others into StageFailed with the server's reason.
/// </summary>
public static class KServeTransientFaults
{
    /// <summary>True when <paramref name="exception"/> or any exception inside it is one a retry may cure.</summary>
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
                case TimeoutException:
                    return true;
            }
        }

        return false;
    }
}
