using InferencePipeline.Contracts;
using InferencePipeline.KServe.Client;
using InferencePipeline.LoadGen;
using InferencePipeline.TritonProfiler.Checkpoints;
using InferencePipeline.TritonProfiler.Configs;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace InferencePipeline.TritonProfiler.Measuring;

/// <summary>
/// perf_analyzer driven the way Model Analyzer drives it: the model is placed once in the server's
/// repository, then each config is loaded over it with a config override and measured at each
/// concurrency, climbing. Points already checkpointed are not measured again; a config stops climbing
/// once its p99 is past <see cref="TritonProfilerOptions.LatencyBudgetFactor"/> × the latency budget.
/// </summary>
public sealed class PerfRunner(
    KServeClients clients,
    IOptions<InferenceServerEndpointOptions> server,
    IOptions<TritonProfilerOptions> options,
    ILogger<PerfRunner> logger)
{
    private static readonly TimeSpan CleanupTimeout = TimeSpan.FromSeconds(30);

    private readonly ConcurrencyLoadGenerator _generator = new();

    /// <summary>Measures every point of <paramref name="plan"/> that <paramref name="checkpoints"/> does not hold.</summary>
    /// <exception cref="ProfilingFailedException">A config cannot be served or measured; retrying will not help.</exception>
    public async Task RunAsync(
        ProfileModel request,
        ProfilePlan plan,
        IReadOnlyDictionary<string, CheckpointedMeasurement> checkpoints,
        ClimbLimit limit,
        IProfileObserver observer,
        CancellationToken cancellationToken,
        PerfAnalyzerInputData? inputData = null)
    {
        var repository = server.Value.ModelRepository;
        using var connection = clients.Connect();
        var control = connection.ModelControl;
        var entries = await ProfilingEntries.PlaceAsync(repository, request.ModelName, request.PipelineId, plan.Configs, cancellationToken);
        try
        {
            // The first config measured pays for the JIT settling in, so it is warmed up first (see JitWarmup).
            var warmedUp = false;
            for (var c = 0; c < plan.Configs.Count; c++)
            {
                warmedUp |= await MeasureConfigAsync(
                    request, plan, c, entries[plan.Configs[c].Name], control, checkpoints, limit, observer, warmUp: !warmedUp, inputData, cancellationToken);
            }
        }
        finally
        {
            await CleanUpAsync(control, repository, entries.Values);
        }
    }

    /// <summary>Measures one config's points; returns whether it loaded the config (and so warmed up when asked to).</summary>
    private async Task<bool> MeasureConfigAsync(
        ProfileModel request,
        ProfilePlan plan,
        int configIndex,
        string entry,
        KServeModelControl control,
        IReadOnlyDictionary<string, CheckpointedMeasurement> checkpoints,
        ClimbLimit limit,
        IProfileObserver observer,
        bool warmUp,
        PerfAnalyzerInputData? inputData,
        CancellationToken cancellationToken)
    {
        var config = plan.Configs[configIndex];
        var loadGen = new LoadGenOptions
        {
            WindowMs = request.SearchSpace.MeasurementWindowMs,
            StabilityPercentage = request.SearchSpace.StabilityPercentage,
            MaxTrials = request.SearchSpace.MaxTrials,
        };

        using var activity = ProfilerTelemetry.ActivitySource.StartActivity("profile config");
        activity?.SetTag("profiler.config", config.Name);
        activity?.SetTag("profiler.entry", entry);
        GrpcInferenceTarget? target = null;
        try
        {
            for (var k = 0; k < plan.Concurrencies.Count; k++)
            {
                var concurrency = plan.Concurrencies[k];
                LatencyStats stats;
                if (checkpoints.TryGetValue(MeasurementKey.For(config.Name, concurrency), out var done))
                {
                    stats = done.Measurement.Stats;
                    ProfilerTelemetry.ResumedMeasurements.Add(1);
                }
                else
                {
                    if (target is null)
                    {
                        await observer.ConfigStartingAsync(config, configIndex, cancellationToken);
                        await LoadAsync(control, entry, config, cancellationToken);
                        ProfilerTelemetry.ConfigLoads.Add(1);
                        target = await CreateTargetAsync(entry, config, request.Inputs, inputData, cancellationToken);
                        if (warmUp && options.Value.WarmupLimit > TimeSpan.Zero)
                        {
                            await WarmUpAsync(target, config, plan.Concurrencies.Max(), cancellationToken);
                        }
                    }

                    stats = await MeasurePointAsync(target, config, concurrency, loadGen, cancellationToken);
                    await observer.MeasuredAsync(new ProfileMeasurement(config.Profile, concurrency, stats), plan.IndexOf(configIndex, k), cancellationToken);
                }

                if (limit.StopsAfter(stats) && k < plan.Concurrencies.Count - 1)
                {
                    await observer.StoppedClimbingAsync(config, configIndex, concurrency, stats.P99Ms, plan.Concurrencies.Count - 1 - k, cancellationToken);
                    break;
                }
            }
        }
        finally
        {
            if (target is not null)
            {
                target.Dispose();
            }
        }

        return target is not null;
    }

    private async Task WarmUpAsync(IInferenceTarget target, PlannedConfig config, int concurrency, CancellationToken cancellationToken)
    {
        try
        {
            var warmup = await JitWarmup.RunAsync(target, concurrency, options.Value.WarmupLimit, cancellationToken);
            logger.LogInformation(
                "Warmed up on {Config} at concurrency {Concurrency} for {Seconds:F1} s ({Methods} methods compiled): {Outcome}",
                config.Name, concurrency, warmup.Elapsed.TotalSeconds, warmup.CompiledMethods,
                warmup.Settled ? "the JIT has settled" : "stopped at the time limit, the first points may read low");
        }
        catch (LoadGenException e) when (e.InnerException is not null && !KServeTransientFaults.IsTransient(e))
        {
            throw new ProfilingFailedException(
                $"Warming up on config '{config.Name}' failed: {e.Message}. The server rejects the requests; check the model's inputs and the config.", e);
        }
    }

    /// <summary>Loads <paramref name="config"/> over the profiling entry; a config the server refuses fails the profile.</summary>
    private async Task LoadAsync(KServeModelControl control, string entry, PlannedConfig config, CancellationToken cancellationToken)
    {
        try
        {
            await control.LoadAsync(entry, config.Config, options.Value.ModelReadyTimeout, cancellationToken);
        }
        catch (ModelLoadException e)
        {
            var advice = e.Refusal is null ? "" : " Fix the config or leave that choice out of the search space.";
            throw new ProfilingFailedException(e.Message + advice, e);
        }
    }

    /// <summary>
    /// perf_analyzer's client for one loaded config: batch size 1 (the server's dynamic batcher does the
    /// batching), the request's real input data or random data, and the sizes of dynamic non-batch dims taken from
    /// the request's inputs.
    /// </summary>
    private async Task<GrpcInferenceTarget> CreateTargetAsync(
        string entry, PlannedConfig config, IReadOnlyList<TensorSpec> inputs, PerfAnalyzerInputData? inputData, CancellationToken cancellationToken)
    {
        var shapes = InputShapes.From(inputs, config.Config.MaxBatchSize > 0);
        try
        {
            return inputData is null
                ? await GrpcInferenceTarget.CreateAsync(
                    server.Value.GrpcAddress, entry, 1, InputDataMode.Random, shapes, cancellationToken: cancellationToken)
                : await GrpcInferenceTarget.CreateAsync(server.Value.GrpcAddress, entry, inputData, 1, shapes, cancellationToken: cancellationToken);
        }
        catch (ArgumentException e)
        {
            throw new ProfilingFailedException($"Cannot build requests for config '{config.Name}': {e.Message}", e);
        }
        catch (InputDataException e)
        {
            throw new ProfilingFailedException($"The input data does not fit config '{config.Name}': {e.Message}", e);
        }
        catch (LoadGenException e) when (!KServeTransientFaults.IsTransient(e))
        {
            throw new ProfilingFailedException($"Cannot build requests for config '{config.Name}': {e.Message}", e);
        }
    }

    private async Task<LatencyStats> MeasurePointAsync(
        IInferenceTarget target, PlannedConfig config, int concurrency, LoadGenOptions loadGen, CancellationToken cancellationToken)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        try
        {
            var stats = await _generator.MeasureAsync(target, concurrency, loadGen, progress: null, cancellationToken);
            logger.LogInformation(
                "{Config} at concurrency {Concurrency}: {Throughput:F1} infer/s, p99 {P99:F2} ms{Unstable}",
                config.Name, concurrency, stats.ThroughputPerSec, stats.P99Ms, stats.Stable ? "" : " (not stable)");
            return stats;
        }
        catch (LoadGenException e) when (e.InnerException is not null && !KServeTransientFaults.IsTransient(e))
        {
            throw new ProfilingFailedException(
                $"Measuring config '{config.Name}' at concurrency {concurrency} failed: {e.Message}. " +
                "The server rejects the requests; check the model's inputs and the config.", e);
        }
        finally
        {
            ProfilerTelemetry.Measurements.Add(1, new KeyValuePair<string, object?>("variant", config.Profile.Variant.ToString()));
            ProfilerTelemetry.MeasurementDuration.Record(System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds);
        }
    }

    /// <summary>Unloads and removes the profiling entries; failures are logged, never thrown over the real outcome.</summary>
    private async Task CleanUpAsync(KServeModelControl control, string repository, IEnumerable<string> entries)
    {
        using var timeout = new CancellationTokenSource(CleanupTimeout);
        var distinct = entries.Distinct().ToList();
        foreach (var entry in distinct)
        {
            if (await control.TryUnloadAsync(entry, timeout.Token) is { } error)
            {
                logger.LogWarning(error, "Could not unload profiling entry {Entry}", entry);
            }
        }

        try
        {
            ProfilingEntries.Remove(repository, distinct);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            logger.LogWarning(e, "Could not remove profiling entries {Entries} from {Repository}", distinct, repository);
        }
    }
}
