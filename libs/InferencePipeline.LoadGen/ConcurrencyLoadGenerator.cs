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
        var rule = options.ToStabilityRule();
        var batchSize = Math.Max(1, target.BatchSize);

        using var activity = LoadGenTelemetry.ActivitySource.StartActivity("loadgen.measure");
        activity?.SetTag("loadgen.concurrency", concurrency);

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
            if (options.WarmupMs > 0)
            {
                await Task.Delay(options.WarmupMs, cancellationToken).ConfigureAwait(false);
                Exception? ignored = null;
                foreach (var slot in slots)
                {
                    slot.DrainInto(null, ref ignored);
                }
            }

            return await MeasureWindowsAsync(slots, concurrency, batchSize, options, rule, progress, cancellationToken).ConfigureAwait(false);
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

    private static async Task<MeasurementResult> MeasureWindowsAsync(
        WorkerSlot[] slots,
        int concurrency,
        int batchSize,
        LoadGenOptions options,
        StabilityRule rule,
        IProgress<WindowResult>? progress,
        CancellationToken cancellationToken)
    {
        // Raw latencies of the windows the rule compares are kept (a ring) so the result merges their
        // samples, as perf_analyzer does, instead of averaging percentiles.
        var ring = new LatencyRecorder[rule.WindowCount];
        var ringTicks = new long[rule.WindowCount];
        for (var i = 0; i < ring.Length; i++)
        {
            ring[i] = new LatencyRecorder();
        }

        var windows = new List<WindowResult>();
        var windowStats = new List<LatencyStats>();
        long totalErrors = 0;
        var windowStart = Stopwatch.GetTimestamp();
        var completedAtStart = CompletedSum(slots);

        while (true)
        {
            var trial = windows.Count;
            await WaitForWindowEndAsync(slots, completedAtStart, windowStart, options, cancellationToken).ConfigureAwait(false);
            var windowEnd = Stopwatch.GetTimestamp();
            completedAtStart = CompletedSum(slots);

            var recorder = ring[trial % ring.Length];
            recorder.Clear();
            Exception? lastError = null;
            long errors = 0;
            foreach (var slot in slots)
            {
                errors += slot.DrainInto(recorder, ref lastError);
            }

            totalErrors += errors;
            LoadGenTelemetry.RecordWindow(concurrency, recorder.Count, errors);
            ThrowOnErrors(recorder.Count, errors, lastError, options);

            var elapsed = windowEnd - windowStart;
            ringTicks[trial % ring.Length] = elapsed;
            var seconds = elapsed / (double)Stopwatch.Frequency;
            var stats = recorder.ComputeStats(seconds, batchSize, stable: false);
            windowStats.Add(stats);
            var stable = rule.IsStable(windowStats);
            stats = stats with { Stable = stable };
            windowStats[^1] = stats;

            var window = new WindowResult(concurrency, trial, stats, errors, Stopwatch.GetElapsedTime(windowStart, windowEnd));
            windows.Add(window);
            progress?.Report(window);
            windowStart = windowEnd;

            if (stable || windows.Count >= rule.MaxTrials)
            {
                var merged = Merge(ring, ringTicks, Math.Min(windows.Count, ring.Length), batchSize, stable);
                return new MeasurementResult(concurrency, merged, windows, totalErrors);
            }
        }
    }

    private static LatencyStats Merge(LatencyRecorder[] ring, long[] ringTicks, int used, int batchSize, bool stable)
    {
        var all = new LatencyRecorder(Math.Max(1, ring.Take(used).Sum(r => r.SampleCount)));
        long ticks = 0;
        for (var i = 0; i < used; i++)
        {
            all.AddFrom(ring[i]);
            ticks += ringTicks[i];
        }

        return all.ComputeStats(ticks / (double)Stopwatch.Frequency, batchSize, stable);
    }

    private static async Task WaitForWindowEndAsync(
        WorkerSlot[] slots, long completedAtStart, long windowStart, LoadGenOptions options, CancellationToken cancellationToken)
    {
        var lastProgress = Stopwatch.GetTimestamp();
        var lastCompleted = completedAtStart;
        if (options.WindowRequests is null)
        {
            await Task.Delay(options.WindowMs, cancellationToken).ConfigureAwait(false);
        }

        while (true)
        {
            var completed = CompletedSum(slots);
            var done = options.WindowRequests is { } target
                ? completed - completedAtStart >= target
                // A time window also needs one completion: a window without any says nothing.
                : completed > completedAtStart && Stopwatch.GetElapsedTime(windowStart).TotalMilliseconds >= options.WindowMs;
            if (done)
            {
                return;
            }

            if (completed != lastCompleted)
            {
                lastCompleted = completed;
                lastProgress = Stopwatch.GetTimestamp();
            }
            else if (Stopwatch.GetElapsedTime(lastProgress).TotalMilliseconds > options.StallTimeoutMs)
            {
                throw new LoadGenException(
                    $"No request completed within {options.StallTimeoutMs} ms; the target is hung or far slower than the window.");
            }

            await Task.Delay(1, cancellationToken).ConfigureAwait(false);
        }
    }

    private static void ThrowOnErrors(long succeeded, long errors, Exception? lastError, LoadGenOptions options)
    {
        if (errors == 0)
        {
            return;
        }

        var reason = lastError?.Message ?? "unknown error";
        if (succeeded == 0)
        {
            throw new LoadGenException($"All {errors} requests in the window failed: {reason}", succeeded, errors, lastError);
        }

        var rate = errors / (double)(errors + succeeded);
        if (rate > options.MaxErrorRate)
        {
            throw new LoadGenException(
                $"{errors} of {errors + succeeded} requests failed ({rate:P1} > {options.MaxErrorRate:P1} allowed): {reason}",
                succeeded,
                errors,
                lastError);
        }
    }

    private static long CompletedSum(WorkerSlot[] slots)
    {
        long sum = 0;
        foreach (var slot in slots)
        {
            sum += slot.Completed;
        }

        return sum;
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

    private sealed class StopFlag
    {
        private volatile bool _set;

        public bool IsSet => _set;

        public void Set() => _set = true;
    }
}
