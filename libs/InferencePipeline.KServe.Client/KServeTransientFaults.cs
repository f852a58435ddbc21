using System.Net.Sockets;
using Grpc.Core;
using Polly;

namespace InferencePipeline.KServe.Client;

/// <summary>
/// Which failures of a KServe v2 call may pass on a later try (the server is down or restarting, the network
/// dropped, a call timed out) as opposed to the server saying no. Stages rethrow transient ones so that
/// MassTransit retries the command, and turn the others into StageFailed with the server's reason.
/// A control call that the client's resilience pipeline turned away (its attempt timed out, its circuit is open)
/// reaches the caller as an RpcException whose status keeps the rejection as its debug exception: transient too.
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
                    or StatusCode.Aborted or StatusCode.ResourceExhausted or StatusCode.Cancelled
                    || RejectedByResilience(rpc.Status.DebugException):
                case HttpRequestException:
                case SocketException:
                case TimeoutException:
                    return true;
            }
        }

        return false;
    }

    private static bool RejectedByResilience(Exception? exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is ExecutionRejectedException)
            {
                return true;
            }
        }

        return false;
    }
}
