using System.Collections.Concurrent;
using System.Diagnostics;

namespace InferencePipeline.LoadGen;

/// <summary>
/// Request-rate mode's clock: one dedicated thread that waits for each scheduled send time and hands the
/// request to an idle <see cref="RateLane"/>, whatever the earlier requests are doing (open loop).
/// </summary>
/// <remarks>
/// A dedicated thread rather than timers: Task.Delay allocates a timer per call and fires on a ~1 ms grid,
/// both wrong at thousands of requests per second. The thread sleeps while the next send is far and
/// yields its core while it is close, which is precise to tens of microseconds and still lets the target run.
/// When the dispatcher falls behind (all lanes busy, or it was descheduled) it sends the due requests back to
/// back, so the average rate holds, and counts each one that left more than the tolerance late.
/// </remarks>
internal sealed class RateDispatcher
{
    private static readonly long FarAwayTicks = LatencyRecorder.MsToTicks(1.5);

    private readonly RequestSchedule _schedule;
    private readonly ConcurrentQueue<RateLane> _idle;
    private readonly StopFlag _stop;
    private readonly long _toleranceTicks;
    private readonly TaskCompletionSource _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _delayed;
    private long _sent;
    private volatile bool _resync;

    public RateDispatcher(RequestSchedule schedule, ConcurrentQueue<RateLane> idle, StopFlag stop, double toleranceMs)
    {
        _schedule = schedule;
        _idle = idle;
        _stop = stop;
        _toleranceTicks = LatencyRecorder.MsToTicks(toleranceMs);
    }

    /// <summary>Requests sent later than their scheduled time plus the tolerance.</summary>
    public long Delayed => Interlocked.Read(ref _delayed);

    public long Sent => Interlocked.Read(ref _sent);

    /// <summary>Completes when the dispatcher thread has stopped sending.</summary>
    public Task Exited => _exited.Task;

    /// <summary>
    /// Drops any backlog: the next request is scheduled from now. Called when measuring starts, so a stall in
    /// warm-up (JIT, connection set-up) is not paid back as a burst inside the first window, which would
    /// report more than the asked rate.
    /// </summary>
    public void Resync() => _resync = true;

    public void Start()
    {
        var thread = new Thread(Run) { IsBackground = true, Name = "loadgen-rate-dispatcher" };
        thread.Start();
    }

    private void Run()
    {
        try
        {
            // The schedule accumulates in double ticks so constant gaps that are not whole ticks do not drift.
            double next = Stopwatch.GetTimestamp();
            while (true)
            {
                if (_resync)
                {
                    _resync = false;
                    next = Math.Max(next, Stopwatch.GetTimestamp());
                }

                var due = (long)next;
                if (!WaitUntil(due))
                {
                    return;
                }

                RateLane? lane;
                var spin = new SpinWait();
                while (!_idle.TryDequeue(out lane))
                {
                    // Every lane busy: the outstanding cap holds this request back; it will count as delayed.
                    if (_stop.IsSet)
                    {
                        return;
                    }

                    spin.SpinOnce();
                }

                if (Stopwatch.GetTimestamp() - due > _toleranceTicks)
                {
                    Interlocked.Increment(ref _delayed);
                }

                Interlocked.Increment(ref _sent);
                lane.Start(due);
                next += _schedule.NextGapSeconds() * Stopwatch.Frequency;
            }
        }
        finally
        {
            _exited.TrySetResult();
        }
    }

    private bool WaitUntil(long due)
    {
        while (!_stop.IsSet)
        {
            var remaining = due - Stopwatch.GetTimestamp();
            if (remaining <= 0)
            {
                return true;
            }

            if (remaining > FarAwayTicks)
            {
                Thread.Sleep(1);
            }
            else
            {
                Thread.Yield();
            }
        }

        return false;
    }
}
