using System.Net.Sockets;
using Grpc.Core;
using InferencePipeline.KServe.Client;
using InferencePipeline.LoadGen;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace InferencePipeline.InferenceServer.Tests.KServeClient;

public sealed class KServeTransientFaultsTests
{
    [Theory]
    [InlineData(StatusCode.Unavailable, true)]
    [InlineData(StatusCode.DeadlineExceeded, true)]
    [InlineData(StatusCode.Aborted, true)]
    [InlineData(StatusCode.ResourceExhausted, true)]
    [InlineData(StatusCode.Cancelled, true)]
    [InlineData(StatusCode.InvalidArgument, false)]
    [InlineData(StatusCode.NotFound, false)]
    [InlineData(StatusCode.Internal, false)]
    public void Server_statuses_that_a_retry_may_cure_are_transient(StatusCode code, bool transient) =>
        Assert.Equal(transient, KServeTransientFaults.IsTransient(new RpcException(new Status(code, "detail"))));

    [Fact]
    public void Network_failures_count_anywhere_in_the_chain()
    {
        Assert.True(KServeTransientFaults.IsTransient(new LoadGenException("wrapped", innerException: new SocketException())));
        Assert.True(KServeTransientFaults.IsTransient(new InvalidOperationException("outer", new HttpRequestException("refused"))));
        Assert.True(KServeTransientFaults.IsTransient(new LoadGenException("slow", innerException: new TimeoutException())));
        Assert.False(KServeTransientFaults.IsTransient(new LoadGenException("every request failed",
            innerException: new RpcException(new Status(StatusCode.InvalidArgument, "bad shape")))));
        Assert.False(KServeTransientFaults.IsTransient(new ArgumentException("bad input")));
    }

    [Fact]
    public void Calls_the_resilience_pipeline_turned_away_are_transient()
    {
        // How a gRPC call reports a handler's exception: status Internal, the exception kept as the debug exception.
        Assert.True(KServeTransientFaults.IsTransient(new RpcException(new Status(StatusCode.Internal, "Error starting gRPC call.", new TimeoutRejectedException()))));
        Assert.True(KServeTransientFaults.IsTransient(new RpcException(new Status(StatusCode.Internal, "Error starting gRPC call.", new BrokenCircuitException()))));
        Assert.False(KServeTransientFaults.IsTransient(new RpcException(new Status(StatusCode.Internal, "a bug", new InvalidOperationException()))));
    }
}
