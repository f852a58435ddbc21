namespace InferencePipeline.LoadGen;

/// <summary>
/// What one load-generator worker has recorded since the coordinator last drained it: two buffers, the
/// worker writing into the active one while the coordinator reads the other.
/// </summary>
/// <remarks>
/// No lock: a hot worker re-taking an unfair lock every few nanoseconds can starve the coordinator for
/// seconds on an oversubscribed machine. Instead the worker brackets each write with a sequence number
/// (odd while writing); the coordinator flips the active buffer and, if the sequence was odd, waits for
/// that one write — which may have picked the old buffer — to finish. Both sides use full fences around the
/// flip, so a write either lands in the old buffer before the coordinator reads it or in the new one.
/// </remarks>
internal sealed class WorkerSlot
{
    private readonly Buffer[] _buffers;
    private int _active;
    private long _sequence;
    private long _completed;

    public WorkerSlot(int maxSamples)
    {
        _buffers = [new Buffer(maxSamples), new Buffer(maxSamples)];
    }

    /// <summary>Requests finished (ok or failed) since the slot was created; read without a handshake to poll progress.</summary>
    public long Completed => Volatile.Read(ref _completed);

    public void RecordSuccess(long latencyTicks)
    {
        Interlocked.Increment(ref _sequence);
        _buffers[Volatile.Read(ref _active)].Latencies.Record(latencyTicks);
        Volatile.Write(ref _sequence, _sequence + 1);
        Volatile.Write(ref _completed, _completed + 1);
    }

    public void RecordFailure(Exception error)
    {
        Interlocked.Increment(ref _sequence);
        var buffer = _buffers[Volatile.Read(ref _active)];
        buffer.Errors++;
        buffer.LastError = error;
        Volatile.Write(ref _sequence, _sequence + 1);
        Volatile.Write(ref _completed, _completed + 1);
    }

    /// <summary>
    /// Moves the recorded latencies into <paramref name="window"/> (dropped when null) and returns the failures
    /// since the last drain. Only the coordinator calls this, never concurrently with itself.
    /// </summary>
    public long DrainInto(LatencyRecorder? window, ref Exception? lastError)
    {
        var previous = _active;
        Interlocked.Exchange(ref _active, 1 - previous);
        var sequence = Interlocked.Read(ref _sequence);
        if ((sequence & 1) == 1)
        {
            var spin = new SpinWait();
            while (Interlocked.Read(ref _sequence) == sequence)
            {
                spin.SpinOnce();
            }
        }

        var buffer = _buffers[previous];
        window?.AddFrom(buffer.Latencies);
        buffer.Latencies.Clear();
        var errors = buffer.Errors;
        buffer.Errors = 0;
        if (buffer.LastError is not null)
        {
            lastError = buffer.LastError;
            buffer.LastError = null;
        }

        return errors;
    }

    private sealed class Buffer(int maxSamples)
    {
        public LatencyRecorder Latencies { get; } = new(Math.Min(1024, maxSamples), maxSamples);

        public long Errors { get; set; }

        public Exception? LastError { get; set; }
    }
}
