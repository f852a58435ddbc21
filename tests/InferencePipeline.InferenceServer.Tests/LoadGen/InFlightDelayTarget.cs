using InferencePipeline.LoadGen;

namespace InferencePipeline.InferenceServer.Tests.LoadGen;

/// <summary>
/// A server that serializes its work: each request waits <c>perRequestMs × requests in flight</c>, so latency
/// grows linearly with concurrency while throughput stays flat — the shape a saturated model shows.
/// </summary>
internal sealed class InFlightDelayTarget(double perRequestMs) : IInferenceTarget
{
    private int _inFlight;
    private int _maxInFlight;

    public int MaxInFlight => Volatile.Read(ref _maxInFlight);

    public async ValueTask InferAsync(CancellationToken cancellationToken)
    {
        var now = Interlocked.Increment(ref _inFlight);
        try
        {
            int seen;
            while ((seen = Volatile.Read(ref _maxInFlight)) < now && Interlocked.CompareExchange(ref _maxInFlight, now, seen) != seen)
            {
            }

            await Task.Delay(TimeSpan.FromMilliseconds(perRequestMs * now), cancellationToken);
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }
}
