using Grpc.Core;
using InferencePipeline.LoadGen;

namespace InferencePipeline.Benchmarks;

/// <summary>
/// Sorts the failures of requests sent through <paramref name="inner"/>: refusals of a full queue (gRPC UNAVAILABLE
/// "Exceeds maximum queue size", what an overloaded server should answer) apart from every other failure.
/// </summary>
public sealed class RefusalCountingTarget(IInferenceTarget inner) : IInferenceTarget
{
    private long _refused;
    private long _otherFailures;

    public int BatchSize => inner.BatchSize;

    public long Refused => Interlocked.Read(ref _refused);

    public long OtherFailures => Interlocked.Read(ref _otherFailures);

    /// <summary>The message of the last failure that was not a refusal, for the report.</summary>
    public string? LastOtherFailure { get; private set; }

    public async ValueTask InferAsync(CancellationToken cancellationToken)
    {
        try
        {
            await inner.InferAsync(cancellationToken);
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.Unavailable && e.Status.Detail.Contains("Exceeds maximum queue size", StringComparison.Ordinal))
        {
            Interlocked.Increment(ref _refused);
            throw;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Interlocked.Increment(ref _otherFailures);
            LastOtherFailure = e.Message;
            throw;
        }
    }
}
