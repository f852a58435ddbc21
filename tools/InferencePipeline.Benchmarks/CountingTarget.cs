using InferencePipeline.LoadGen;

namespace InferencePipeline.Benchmarks;

/// <summary>
/// Counts every request sent through <paramref name="inner"/> (warm-up and unmeasured ones included), so
/// bytes allocated over a whole run can be divided by the requests that really ran in it.
/// </summary>
public sealed class CountingTarget(IInferenceTarget inner) : IInferenceTarget
{
    private long _count;

    public int BatchSize => inner.BatchSize;

    public long Count => Interlocked.Read(ref _count);

    public ValueTask InferAsync(CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _count);
        return inner.InferAsync(cancellationToken);
    }
}
