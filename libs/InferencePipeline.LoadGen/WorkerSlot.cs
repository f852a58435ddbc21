using System.Diagnostics;

namespace InferencePipeline.LoadGen;

/// <summary>
/// What one load-generator worker has recorded since the coordinator last drained it. Each worker owns
/// a slot, so the lock is uncontended except for the instant of a drain (once per window): recording
/// stays a few nanoseconds and allocation-free.
/// </summary>
internal sealed class WorkerSlot
{
    private readonly Lock _lock = new();
    private readonly LatencyRecorder _latencies;
    private long _errors;
    private Exception? _lastError;
    private long _completed;

    public WorkerSlot(int maxSamples)
    {
        _latencies = new LatencyRecorder(Math.Min(1024, maxSamples), maxSamples);
    }

    /// <summary>Requests finished (ok or failed) since the slot was created; read without the lock to poll progress.</summary>
    public long Completed => Volatile.Read(ref _completed);

    public void RecordSuccess(long latencyTicks)
    {
        lock (_lock)
        {
            _latencies.Record(latencyTicks);
        }

        Volatile.Write(ref _completed, _completed + 1);
    }

    public void RecordFailure(Exception error)
    {
        lock (_lock)
        {
            _errors++;
            _lastError = error;
        }

        Volatile.Write(ref _completed, _completed + 1);
    }

    /// <summary>Moves the recorded latencies into <paramref name="window"/> and returns the failures since the last drain.</summary>
    public long DrainInto(LatencyRecorder? window, ref Exception? lastError)
    {
        lock (_lock)
        {
            window?.AddFrom(_latencies);
            _latencies.Clear();
            var errors = _errors;
            _errors = 0;
            if (_lastError is not null)
            {
                lastError = _lastError;
                _lastError = null;
            }

            return errors;
        }
    }

    public static long Now() => Stopwatch.GetTimestamp();
}
