using System.Diagnostics;
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
/// </summary>
internal sealed class BatchScheduler : IAsyncDisposable
{
    private readonly ModelDefinition _model;
    private readonly Channel<InferenceJob> _queue =
        Channel.CreateUnbounded<InferenceJob>();
    private readonly Channel<ModelInstance> _freeInstances;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private CancellationTokenSource _delay = new();

    public BatchScheduler(ModelDefinition model, Channel<ModelInstance> freeInstances, IReadOnlyList<ModelInstance> instances)
    {
        _model = model;
        _freeInstances = freeInstances;
        _loop = model.DynamicBatching
            ? Task.Run(RunAsync)
            : Task.WhenAll(instances.Select(instance => Task.Run(() => PullAsync(instance))));
    }

    /// <summary>One instance's loop without dynamic batching: take the next request, run it, repeat.</summary>
    private async Task PullAsync(ModelInstance instance)
    {
        var stop = _stop.Token;
        try
        {
            while (await _queue.Reader.WaitToReadAsync(stop).ConfigureAwait(false))
            {
                while (_queue.Reader.TryRead(out var job))
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

    public void Enqueue(InferenceJob job)
    {
        job.EnqueuedTimestamp = Stopwatch.GetTimestamp();
        if (!_queue.Writer.TryWrite(job))
        {
            job.Fail(new InferenceException(StatusCode.Unavailable, $"model '{_model.Name}' is being unloaded"));
        }
    }

    private async Task RunAsync()
    {
        var stop = _stop.Token;
        InferenceJob? carried = null;
        try
        {
            while (true)
            {
                var instance = await _freeInstances.Reader.ReadAsync(stop).ConfigureAwait(false);
                var first = carried ?? await _queue.Reader.ReadAsync(stop).ConfigureAwait(false);
                carried = null;
                instance.Batch[0] = first;
                instance.BatchCount = 1;
                if (_model.DynamicBatching)
                {
                    carried = await FillBatchAsync(instance, first, stop).ConfigureAwait(false);
                }
                instance.Post();
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
        catch (ChannelClosedException)
        {
        }

        carried?.Fail(Unloaded());
    }

    private InferenceException Unloaded() =>
        new(StatusCode.Unavailable, $"model '{_model.Name}' was unloaded before the request ran");

    /// <summary>Adds queued requests to the batch; returns a request that did not fit, to start the next batch.</summary>
    private async ValueTask<InferenceJob?> FillBatchAsync(ModelInstance instance, InferenceJob first, CancellationToken stop)
    {
        var rows = first.BatchSize;
        var deadline = first.EnqueuedTimestamp + _model.MaxQueueDelayTicks;
        while (rows < _model.TargetBatchSize)
        {
            if (_queue.Reader.TryRead(out var next))
            {
                if (rows + next.BatchSize > _model.MaxBatchSize || !SameShapes(first, next))
                {
                    return next;
                }
                instance.Batch[instance.BatchCount++] = next;
                rows += next.BatchSize;
                continue;
            }

            var remaining = deadline - Stopwatch.GetTimestamp();
            if (remaining <= 0 || !await WaitForRequestAsync(remaining, stop).ConfigureAwait(false))
            {
                break;
            }
        }
        return null;
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
        _delay.CancelAfter(TimeSpan.FromTicks(Math.Max(1, ticks * TimeSpan.TicksPerSecond / Stopwatch.Frequency)));
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
        _stop.Dispose();
        _delay.Dispose();
    }
}
