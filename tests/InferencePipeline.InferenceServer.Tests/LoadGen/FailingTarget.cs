using InferencePipeline.LoadGen;

namespace InferencePipeline.InferenceServer.Tests.LoadGen;

/// <summary>Fails every <c>failEvery</c>-th request (1 = all) with a server-like message; others take about 1 ms.</summary>
internal sealed class FailingTarget(int failEvery) : IInferenceTarget
{
    public const string Message = "model 'bert' is not ready";
    private long _count;

    public async ValueTask InferAsync(CancellationToken cancellationToken)
    {
        await Task.Yield();
        if (Interlocked.Increment(ref _count) % failEvery == 0)
        {
            throw new InvalidOperationException(Message);
        }

        await Task.Delay(1, cancellationToken);
    }
}
