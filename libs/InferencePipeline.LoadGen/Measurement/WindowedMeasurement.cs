using System.Diagnostics;
using Inference;
using InferencePipeline.Contracts;

namespace InferencePipeline.LoadGen;

/// <summary>
/// The measurement loop both load modes share: warm-up, then windows (time or count) closed by draining
/// every <see cref="WorkerSlot"/>, until the stability rule holds or the trials run out. The result merges
/// the raw latencies of the windows the rule compared, as perf_analyzer does, instead of averaging percentiles.
/// When the target can report server statistics, a snapshot is taken at every window boundary so the
/// server-side times cover exactly the merged windows.
/// </summary>
internal static class WindowedMeasurement
{
    public static async Task<MeasurementResult> RunAsync(
        WorkerSlot[] slots,
        int level,
        int batchSize,
        LoadGenOptions options,
        IProgress<WindowResult>? progress,
        IServerStatisticsSource? server,
        CancellationToken cancellationToken,
        Action? afterWarmup = null)
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

        afterWarmup?.Invoke();
        var rule = options.ToStabilityRule();
        var ring = new LatencyRecorder[rule.WindowCount];
        var ringTicks = new long[rule.WindowCount];
        for (var i = 0; i < ring.Length; i++)
        {
            ring[i] = new LatencyRecorder();
        }

        // snapshots[i] is taken at the start of window i (and snapshots[n] at the end of window n-1).
        var snapshots = new List<ModelStatistics?>();
        if (server is not null)
        {
            snapshots.Add(await TrySnapshotAsync(server, cancellationToken).ConfigureAwait(false));
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

            if (server is not null && snapshots[0] is not null)
            {
                snapshots.Add(await TrySnapshotAsync(server, cancellationToken).ConfigureAwait(false));
            }

            totalErrors += errors;
            LoadGenTelemetry.RecordWindow(level, recorder.Count, errors);
            ThrowOnErrors(recorder.Count, errors, lastError, options);

            var elapsed = windowEnd - windowStart;
            ringTicks[trial % ring.Length] = elapsed;
            var seconds = elapsed / (double)Stopwatch.Frequency;
            var stats = recorder.ComputeStats(seconds, batchSize, stable: false);
            windowStats.Add(stats);
            var stable = rule.IsStable(windowStats);
            stats = stats with { Stable = stable };
            windowStats[^1] = stats;

            var window = new WindowResult(level, trial, stats, errors, Stopwatch.GetElapsedTime(windowStart, windowEnd));
            windows.Add(window);
            progress?.Report(window);
            windowStart = windowEnd;

            if (stable || windows.Count >= rule.MaxTrials)
            {
                var used = Math.Min(windows.Count, ring.Length);
                var merged = Merge(ring, ringTicks, used, batchSize, stable);
                ServerSideStats? serverStats = null;
                if (snapshots.Count == windows.Count + 1
                    && snapshots[windows.Count - used] is { } before
                    && snapshots[^1] is { } after)
                {
                    serverStats = ServerSideStats.Between(before, after);
                }

                return new MeasurementResult(level, merged, windows, totalErrors) { ServerStats = serverStats };
            }
        }
    }

    private static async Task<ModelStatistics?> TrySnapshotAsync(IServerStatisticsSource server, CancellationToken cancellationToken)
    {
        try
        {
            return await server.ReadModelStatisticsAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Server-side times are extra information: a server without ModelStatistics (plain KServe) or a
            // transient failure must not fail a client-side measurement that worked.
            return null;
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
}
