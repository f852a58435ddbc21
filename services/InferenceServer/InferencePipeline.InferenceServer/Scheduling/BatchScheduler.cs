using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Threading.Channels;
using Grpc.Core;
using InferencePipeline.InferenceServer.Execution;

namespace InferencePipeline.InferenceServer.Scheduling;

/// <summary>
/// Hands queued requests to free instances. One loop per model: take a free instance, take the oldest
/// request, and — with dynamic batching — keep adding compatible requests until the target batch size is
/// reached or the oldest request has waited max_queue_delay; then post the batch to the instance's own thread
/// and go on forming the next one for the next free instance. Without dynamic batching every request runs alone,
/// and each instance pulls requests itself: one thread hop per request instead of three, which is what
/// bounds a trivial model's throughput on a busy machine.
/// The queue is bounded by the model's <see cref="QueuePolicy"/>: a request that finds it full is refused at once,
/// and one that waits past its timeout (in the queue, or in a batch still forming) is refused or put behind the others.
/// </summary>
internal sealed class BatchScheduler : IAsyncDisposable
{
    // CancelAfter takes at most ~49 days; a longer wait (a huge max_queue_delay) is taken in steps of this.
    private static readonly long LongestWaitTicks = Stopwatch.Frequency * 3600;

    private readonly ModelDefinition _model;
    private readonly QueuePolicy _policy;
    private readonly Channel<InferenceJob> _queue;
    private readonly Channel<ModelInstance> _freeInstances;
    // Expired requests under TIMEOUT_ACTION DELAY, served once nothing unexpired waits. Only the batching loop touches it.
    private readonly Queue<InferenceJob> _delayed = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private CancellationTokenSource _delay = new();
    // Requests in the queue or delayed: what max_queue_size bounds (a batch being formed has taken its requests).
    private int _waiting;

    public BatchScheduler(ModelDefinition model, Channel<ModelInstance> freeInstances, IReadOnlyList<ModelInstance> instances)
    {
        _model = model;
        _policy = model.Queue;
        _freeInstances = freeInstances;
        // One reader lets the channel reuse its waiter instead of allocating one whenever the queue runs empty.
        _queue = Channel.CreateUnbounded<InferenceJob>(new UnboundedChannelOptions
        {
            SingleReader = model.DynamicBatching || instances.Count == 1,
        });
        _loop = model.DynamicBatching
            ? Task.Run(RunAsync)
            : Task.WhenAll(instances.Select(instance => Task.Run(() => PullAsync(instance))));
    }

    /// <summary>Requests waiting for an instance (Triton's pending request count).</summary>
    public int Waiting => Volatile.Read(ref _waiting);

    /// <summary>One instance's loop without dynamic batching: take the next request, run it, repeat.</summary>
    private async Task PullAsync(ModelInstance instance)
    {
        var stop = _stop.Token;
        try
        {
            while (await _queue.Reader.WaitToReadAsync(stop).ConfigureAwait(false))
            {
                while (TryTake(out var job))
                {
                    instance.Batch[0] = job;
                    instance.BatchCount = 1;
                    instance.RunBatch();
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
    }

    /// <summary>Queues the request, or throws UNAVAILABLE when the queue is full (then the request was not queued).</summary>
    public void Enqueue(InferenceJob job)
    {
        var now = Stopwatch.GetTimestamp();
        job.Deadline = _policy.DeadlineFor(job.Request, now);
        if (Interlocked.Increment(ref _waiting) > _policy.MaxQueueSize && _policy.MaxQueueSize > 0)
        {
            Interlocked.Decrement(ref _waiting);
            throw _policy.QueueFull(job.Request, _model.Name);
        }
        job.EnqueuedTimestamp = now;
        if (!_queue.Writer.TryWrite(job))
        {
            Interlocked.Decrement(ref _waiting);
            job.Fail(new InferenceException(StatusCode.Unavailable, $"model '{_model.Name}' is being unloaded"));
        }
    }

    /// <summary>
    /// Takes the oldest request that has not expired; expired ones on the way are refused or, under DELAY, set aside
    /// and taken only when nothing else waits. False when nothing waits.
    /// </summary>
    private bool TryTake([NotNullWhen(true)] out InferenceJob? job)
    {
        while (_queue.Reader.TryRead(out job))
        {
            if (job.Deadline != 0 && Stopwatch.GetTimestamp() is var now && now >= job.Deadline)
            {
                if (_policy.DelayOnTimeout)
                {
                    _delayed.Enqueue(job);
                    continue;
                }
                Interlocked.Decrement(ref _waiting);
                // Built before Fail: once failed, the job may be reset and reused by its caller.
                var error = QueuePolicy.TimedOut(job.Request, _model.Name, now - job.EnqueuedTimestamp);
                job.Fail(error);
                continue;
            }
            Interlocked.Decrement(ref _waiting);
            return true;
        }
        if (_delayed.TryDequeue(out job))
        {
            Interlocked.Decrement(ref _waiting);
            return true;
        }
        return false;
    }

    private async Task RunAsync()
    {
        var stop = _stop.Token;
        InferenceJob? carried = null;
        ModelInstance? instance = null;
        try
        {
            while (true)
            {
                // An instance whose forming batch expired entirely is still free: it takes the next request.
                instance ??= await _freeInstances.Reader.ReadAsync(stop).ConfigureAwait(false);
                var first = carried;
                carried = null;
                while (first is null && !TryTake(out first))
                {
                    if (!await _queue.Reader.WaitToReadAsync(stop).ConfigureAwait(false))
                    {
                        return;
                    }
                }
                instance.Batch[0] = first;
                instance.BatchCount = 1;
                carried = await FillBatchAsync(instance, stop).ConfigureAwait(false);
                if (instance.BatchCount > 0)
                {
                    instance.Post();
                    instance = null;
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
        finally
        {
            // A batch formed but not posted runs when its instance is disposed (InstanceThread.Dispose).
            carried?.Fail(Unloaded());
        }
    }

    private InferenceException Unloaded() =>
        new(StatusCode.Unavailable, $"model '{_model.Name}' was unloaded before the request ran");

    /// <summary>
    /// Adds queued requests to the batch begun in <paramref name="instance"/>; returns a request that did not fit, to
    /// start the next batch. While it waits for more, requests of the batch whose timeout passes are refused (REJECT),
    /// which may leave the batch empty.
    /// </summary>
    private async ValueTask<InferenceJob?> FillBatchAsync(ModelInstance instance, CancellationToken stop)
    {
        var rows = instance.Batch[0].BatchSize;
        while (rows < _model.TargetBatchSize)
        {
            if (TryTake(out var next))
            {
                if (rows + next.BatchSize > _model.MaxBatchSize || !SameShapes(instance.Batch[0], next))
                {
                    return next;
                }
                instance.Batch[instance.BatchCount++] = next;
                rows += next.BatchSize;
                continue;
            }

            var now = Stopwatch.GetTimestamp();
            var batchDeadline = instance.Batch[0].EnqueuedTimestamp + _model.MaxQueueDelayTicks;
            var wakeAt = Math.Min(batchDeadline, EarliestRejectDeadline(instance));
            if (wakeAt <= now)
            {
                // Expired requests never run, whether the batch is due or a timeout woke us; the rest go on.
                RejectExpired(instance, now, ref rows);
                if (instance.BatchCount == 0)
                {
                    return null;
                }
                if (instance.Batch[0].EnqueuedTimestamp + _model.MaxQueueDelayTicks <= now)
                {
                    break;
                }
                continue;
            }
            await WaitForRequestAsync(wakeAt - now, stop).ConfigureAwait(false);
        }
        return null;
    }

    /// <summary>The earliest deadline in the forming batch that ends in a refusal; long.MaxValue when none does.</summary>
    private long EarliestRejectDeadline(ModelInstance instance)
    {
        var earliest = long.MaxValue;
        if (!_policy.HasTimeouts || _policy.DelayOnTimeout)
        {
            return earliest;
        }
        for (var i = 0; i < instance.BatchCount; i++)
        {
            var deadline = instance.Batch[i].Deadline;
            if (deadline != 0 && deadline < earliest)
            {
                earliest = deadline;
            }
        }
        return earliest;
    }

    /// <summary>Refuses the forming batch's expired requests (REJECT) and closes the gaps.</summary>
    private void RejectExpired(ModelInstance instance, long now, ref int rows)
    {
        if (!_policy.HasTimeouts || _policy.DelayOnTimeout)
        {
            return;
        }
        var kept = 0;
        for (var i = 0; i < instance.BatchCount; i++)
        {
            var job = instance.Batch[i];
            if (job.Deadline != 0 && now >= job.Deadline)
            {
                rows -= job.BatchSize;
                var error = QueuePolicy.TimedOut(job.Request, _model.Name, now - job.EnqueuedTimestamp);
                job.Fail(error);
                continue;
            }
            instance.Batch[kept++] = job;
        }
        instance.Batch.AsSpan(kept, instance.BatchCount - kept).Clear();
        instance.BatchCount = kept;
    }

    /// <summary>Waits until a request is queued or the time is up; false when the time ran out.</summary>
    private async ValueTask<bool> WaitForRequestAsync(long ticks, CancellationToken stop)
    {
        if (!_delay.TryReset())
        {
            _delay.Dispose();
            _delay = new CancellationTokenSource();
        }
        using var linked = stop.Register(static d => ((CancellationTokenSource)d!).Cancel(), _delay);
        ticks = Math.Clamp(ticks, 1, LongestWaitTicks);
        _delay.CancelAfter(TimeSpan.FromTicks(Math.Max(1, (long)(ticks * ((double)TimeSpan.TicksPerSecond / Stopwatch.Frequency)))));
        try
        {
            return await _queue.Reader.WaitToReadAsync(_delay.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            stop.ThrowIfCancellationRequested();
            return false;
        }
    }

    /// <summary>Requests can share a batch only when every input has the same shape past the batch dimension.</summary>
    private static bool SameShapes(InferenceJob a, InferenceJob b)
    {
        for (var i = 0; i < a.InputShapes.Length; i++)
        {
            var x = a.InputShapes[i];
            var y = b.InputShapes[i];
            if (x.Count != y.Count)
            {
                return false;
            }
            for (var d = 1; d < x.Count; d++)
            {
                if (x[d] != y[d])
                {
                    return false;
                }
            }
        }
        return true;
    }

    /// <summary>Stops forming batches and fails whatever is still queued; running batches finish on their own.</summary>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        _stop.Cancel();
        await _loop.ConfigureAwait(false);
        while (_queue.Reader.TryRead(out var left))
        {
            left.Fail(Unloaded());
        }
        while (_delayed.TryDequeue(out var delayed))
        {
            delayed.Fail(Unloaded());
        }
        Volatile.Write(ref _waiting, 0);
        _stop.Dispose();
        _delay.Dispose();
    }
}
