using System.Net.Sockets;
using Grpc.Core;
using InferencePipeline.LoadGen;

namespace InferencePipeline.InferenceServer.Tests.LoadGen;

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
}
