using System.Collections.Concurrent;
using System.Diagnostics;
using InferencePipeline.Contracts;

namespace InferencePipeline.LoadGen;

/// <summary>
/// perf_analyzer's request-rate mode: an open loop that sends requests at a fixed rate (evenly spaced or
/// Poisson) whether or not earlier ones answered, measured with the same windows and stability rule as
/// <see cref="ConcurrencyLoadGenerator"/>.
/// </summary>
/// <remarks>
/// Latency is measured from each request's <em>scheduled</em> send time, not from when it actually left:
/// when the server falls behind and requests wait for a free slot, that wait is what a client of an
/// open-loop service experiences, so queueing shows up in the numbers instead of being hidden
/// (no "coordinated omission"). At most <see cref="LoadGenOptions.MaxOutstandingRequests"/> requests are
/// in flight; requests that could not leave on time are counted in
/// <see cref="MeasurementResult.DelayedRequestCount"/>. Steady state allocates nothing per request: a
/// fixed set of lanes, each one long-lived async loop, woken through a reusable value-task source.
/// </remarks>
public sealed class RequestRateLoadGenerator
{
    /// <summary>Measures one request rate and returns the stats merged over the last stable windows.</summary>
    public async Task<LatencyStats> MeasureAsync(
        IInferenceTarget target,
        double requestsPerSecond,
        RateDistribution distribution,
        LoadGenOptions options,
        IProgress<WindowResult>? progress = null,
        CancellationToken cancellationToken = default)
        => (await MeasureDetailedAsync(target, requestsPerSecond, distribution, options, progress, cancellationToken).ConfigureAwait(false)).Stats;

    /// <summary>As <see cref="MeasureAsync"/>, also returning every window, failures, delayed requests and server times.</summary>
    public async Task<MeasurementResult> MeasureDetailedAsync(
        IInferenceTarget target,
        double requestsPerSecond,
        RateDistribution distribution,
        LoadGenOptions options,
        IProgress<WindowResult>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var schedule = new RequestSchedule(requestsPerSecond, distribution, options.Seed);
        var batchSize = Math.Max(1, target.BatchSize);
        var cap = options.MaxOutstandingRequests;
        ThreadPoolHeadroom.Ensure(cap);

        using var activity = LoadGenTelemetry.ActivitySource.StartActivity("loadgen.measure");
        activity?.SetTag("loadgen.request_rate", requestsPerSecond);
        activity?.SetTag("loadgen.distribution", distribution.ToString());

        var idle = new ConcurrentQueue<RateLane>();
        var stop = new StopFlag();
        var slots = new WorkerSlot[cap];
        var lanes = new Task[cap];
        for (var i = 0; i < cap; i++)
        {
            var lane = new RateLane(Math.Max(1024, options.LatencySamplesPerWindow / cap));
            slots[i] = lane.Slot;
            idle.Enqueue(lane);
            lanes[i] = RunLaneAsync(target, lane, idle, stop, cancellationToken);
        }

        var dispatcher = new RateDispatcher(schedule, idle, stop, options.DelayToleranceMs);
        dispatcher.Start();
        try
        {
            long delayedAtStart = 0;
            var result = await WindowedMeasurement.RunAsync(
                slots, cap, batchSize, options, progress, target as IServerStatisticsSource, cancellationToken,
                afterWarmup: () =>
                {
                    dispatcher.Resync();
                    delayedAtStart = dispatcher.Delayed;
                }).ConfigureAwait(false);
            return result with { RequestRate = requestsPerSecond, DelayedRequestCount = dispatcher.Delayed - delayedAtStart };
        }
        finally
        {
            stop.Set();
            await dispatcher.Exited.ConfigureAwait(false);
            await StopLanesAsync(lanes, idle, cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task StopLanesAsync(Task[] lanes, ConcurrentQueue<RateLane> idle, CancellationToken cancellationToken)
    {
        // Lanes finish their request, see the stop flag or go idle; idle ones are woken with Exit. A lane may go
        // idle after a pass over the queue, hence the loop.
        var all = Task.WhenAll(lanes);
        while (!all.IsCompleted)
        {
            while (idle.TryDequeue(out var lane))
            {
                lane.Start(RateLane.Exit);
            }

            await Task.WhenAny(all, Task.Delay(5, CancellationToken.None)).ConfigureAwait(false);
        }

        try
        {
            await all.ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The caller cancelled: in-flight requests were abandoned on purpose.
        }
    }

    private static async Task RunLaneAsync(
        IInferenceTarget target, RateLane lane, ConcurrentQueue<RateLane> idle, StopFlag stop, CancellationToken cancellationToken)
    {
        // One async method for the lane's whole life: its state machine is allocated once, not per request.
        while (true)
        {
            var scheduled = await lane.WaitAsync().ConfigureAwait(false);
            if (scheduled == RateLane.Exit)
            {
                return;
            }

            try
            {
                await target.InferAsync(cancellationToken).ConfigureAwait(false);
                // From the scheduled time, not the actual send: see the class remarks.
                lane.Slot.RecordSuccess(Stopwatch.GetTimestamp() - scheduled);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                lane.Slot.RecordFailure(ex);
            }

            if (stop.IsSet)
            {
                return;
            }

            idle.Enqueue(lane);
        }
    }
}
