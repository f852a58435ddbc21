using System.Threading.Tasks.Sources;

namespace InferencePipeline.LoadGen;

/// <summary>
/// One slot for an outstanding request in request-rate mode: the dispatcher hands it a scheduled send time,
/// its long-lived loop sends one request and records the latency into its own <see cref="WorkerSlot"/>.
/// The hand-off is a reusable <see cref="IValueTaskSource{TResult}"/>, so waking a lane allocates nothing.
/// </summary>
internal sealed class RateLane : IValueTaskSource<long>
{
    /// <summary>Scheduled time that tells the lane to exit instead of sending.</summary>
    public const long Exit = -1;

    // Continuations run on the thread pool: the dispatcher must never run a (possibly synchronous) request itself.
    private ManualResetValueTaskSourceCore<long> _core = new() { RunContinuationsAsynchronously = true };

    public RateLane(int maxSamples)
    {
        Slot = new WorkerSlot(maxSamples);
    }

    public WorkerSlot Slot { get; }

    /// <summary>Wakes the lane to send a request scheduled at <paramref name="scheduledTimestamp"/> (Stopwatch ticks).</summary>
    public void Start(long scheduledTimestamp) => _core.SetResult(scheduledTimestamp);

    public ValueTask<long> WaitAsync() => new(this, _core.Version);

    public long GetResult(short token)
    {
        try
        {
            return _core.GetResult(token);
        }
        finally
        {
            _core.Reset();
        }
    }

    public ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);

    public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _core.OnCompleted(continuation, state, token, flags);
}
