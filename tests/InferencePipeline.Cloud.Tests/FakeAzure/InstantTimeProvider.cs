namespace InferencePipeline.Cloud.Tests.FakeAzure;

/// <summary>
/// Time in which every wait ends at once, and is written down: the deployment's polls and Retry-After waits take
/// no wall time, and a test reads which waits were asked for (a Retry-After of 7 s must be a 7 s wait).
/// </summary>
public sealed class InstantTimeProvider : TimeProvider
{
    private readonly object _gate = new();
    private readonly List<TimeSpan> _waits = [];
    private TimeSpan _elapsed;

    public IReadOnlyList<TimeSpan> Waits
    {
        get
        {
            lock (_gate)
            {
                return _waits.ToList();
            }
        }
    }

    public override DateTimeOffset GetUtcNow()
    {
        lock (_gate)
        {
            return new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero) + _elapsed;
        }
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        if (dueTime != Timeout.InfiniteTimeSpan)
        {
            lock (_gate)
            {
                _waits.Add(dueTime);
                _elapsed += dueTime;
            }

            // On the pool, not inline: Task.Delay finishes setting itself up after CreateTimer returns.
            ThreadPool.QueueUserWorkItem(_ => callback(state));
        }

        return new NoTimer();
    }

    private sealed class NoTimer : ITimer
    {
        public bool Change(TimeSpan dueTime, TimeSpan period) => true;

        public void Dispose()
        {
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
