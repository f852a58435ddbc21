using System.Collections.Concurrent;
using System.Threading.Channels;
using InferencePipeline.InferenceServer.Scheduling;
using Microsoft.ML.OnnxRuntime;

namespace InferencePipeline.InferenceServer.Execution;

/// <summary>
/// A model that is ready to serve: its instances, its scheduler, its statistics. Reference counted so a
/// replaced or unloaded model keeps serving the requests already inside it and is freed by the last one.
/// </summary>
internal sealed class LoadedModel
{
    private readonly ModelInstance[] _instances;
    private readonly BatchScheduler _scheduler;
    private readonly ConcurrentQueue<InferenceJob> _jobPool = new();
    private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);

    // Starts at 1: the registry's own reference, given up by Retire().
    private int _references = 1;

    public LoadedModel(ModelDefinition definition, IReadOnlyList<InferenceSession> sessions)
    {
        Definition = definition;
        Statistics = new ModelStatisticsRecorder(definition.MaxBatchSize);
        var free = Channel.CreateBounded<ModelInstance>(sessions.Count);
        _instances = sessions.Select((s, i) => new ModelInstance(definition, s, Statistics, free.Writer, i)).ToArray();
        foreach (var instance in _instances)
        {
            free.Writer.TryWrite(instance);
        }
        _scheduler = new BatchScheduler(definition, free, _instances);
    }

    public ModelDefinition Definition { get; }

    public ModelStatisticsRecorder Statistics { get; }

    public int InstanceCount => _instances.Length;

    /// <summary>Requests waiting in the model's queue for an instance.</summary>
    public int PendingRequests => _scheduler.Waiting;

    /// <summary>Completes when the model has been retired and its last request has finished.</summary>
    public Task Released => _released.Task;

    /// <summary>Takes a reference for one request; false when the model is already retired (look it up again).</summary>
    public bool TryAcquire()
    {
        var current = Volatile.Read(ref _references);
        while (current > 0)
        {
            var seen = Interlocked.CompareExchange(ref _references, current + 1, current);
            if (seen == current)
            {
                return true;
            }
            current = seen;
        }
        return false;
    }

    public void Release()
    {
        if (Interlocked.Decrement(ref _references) == 0)
        {
            _ = FreeAsync();
        }
    }

    /// <summary>Drops the registry's reference: no new requests come in, running ones finish, then resources go.</summary>
    public void Retire() => Release();

    public InferenceJob RentJob() =>
        _jobPool.TryDequeue(out var job) ? job : new InferenceJob(Definition.Inputs.Length, Definition.Outputs.Length);

    public void ReturnJob(InferenceJob job)
    {
        job.Reset();
        _jobPool.Enqueue(job);
    }

    public void Enqueue(InferenceJob job) => _scheduler.Enqueue(job);

    private async Task FreeAsync()
    {
        try
        {
            await _scheduler.DisposeAsync().ConfigureAwait(false);
            foreach (var instance in _instances)
            {
                instance.Dispose();
            }
        }
        finally
        {
            _released.TrySetResult();
        }
    }
}
