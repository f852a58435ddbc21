using System.Diagnostics;
using InferencePipeline.Contracts;

namespace InferencePipeline.LoadGen;

/// <summary>
/// perf_analyzer's concurrency mode: a closed loop of N workers, each sending its next request as soon as
/// the previous one answered, measured in windows until the stability rule holds.
/// </summary>
/// <remarks>
/// Workers start on dedicated threads: a target that completes synchronously (in-process ONNX Runtime)
/// then really runs N requests at once instead of starving the thread pool, while an asynchronous target
/// (gRPC) gives its thread back at the first await and continues on the pool. Each worker records into its
/// own <see cref="WorkerSlot"/>; the coordinator drains the slots at each window's end.
/// </remarks>
public sealed class ConcurrencyLoadGenerator
{
    /// <summary>Measures one concurrency level and returns the stats merged over the last stable windows.</summary>
    public async Task<LatencyStats> MeasureAsync(
        IInferenceTarget target,
        int concurrency,
        LoadGenOptions options,
        IProgress<WindowResult>? progress = null,
        CancellationToken cancellationToken = default)
        => (await MeasureDetailedAsync(target, concurrency, options, progress, cancellationToken).ConfigureAwait(false)).Stats;

    /// <summary>As <see cref="MeasureAsync"/>, also returning every window and the failure count.</summary>
    public async Task<MeasurementResult> MeasureDetailedAsync(
        IInferenceTarget target,
        int concurrency,
        LoadGenOptions options,
        IProgress<WindowResult>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(concurrency);
        options.Validate();
        var batchSize = Math.Max(1, target.BatchSize);

        using var activity = LoadGenTelemetry.ActivitySource.StartActivity("loadgen.measure");
        activity?.SetTag("loadgen.concurrency", concurrency);

        // Workers start on threads of their own, but an asynchronous target's continuations come back on the pool.
        ThreadPoolHeadroom.Ensure(concurrency);
        var slots = new WorkerSlot[concurrency];
        var stop = new StopFlag();
        var workers = new Task[concurrency];
        for (var i = 0; i < concurrency; i++)
        {
            var slot = slots[i] = new WorkerSlot(Math.Max(1024, options.LatencySamplesPerWindow / concurrency));
            workers[i] = Task.Factory.StartNew(
                () => RunWorkerAsync(target, slot, stop, cancellationToken),
                CancellationToken.None,
                TaskCreationOptions.LongRunning,
                TaskScheduler.Default).Unwrap();
        }

        try
        {
            return await WindowedMeasurement.RunAsync(
                slots, concurrency, batchSize, options, progress, target as IServerStatisticsSource, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            stop.Set();
            try
            {
                await Task.WhenAll(workers).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // The caller cancelled: in-flight requests were abandoned on purpose.
            }
        }
    }

    private static async Task RunWorkerAsync(IInferenceTarget target, WorkerSlot slot, StopFlag stop, CancellationToken cancellationToken)
    {
        // One async method for the worker's whole life: its state machine is allocated once, not per request.
        while (!stop.IsSet)
        {
            var start = Stopwatch.GetTimestamp();
            try
            {
                await target.InferAsync(cancellationToken).ConfigureAwait(false);
                slot.RecordSuccess(Stopwatch.GetTimestamp() - start);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                slot.RecordFailure(ex);
            }
        }
    }
}
