using System.Diagnostics;
using Inference;
using InferencePipeline.Contracts;
using InferencePipeline.KServe.Client;
using InferencePipeline.LoadGen;
using InferencePipeline.ModelAnalyzer.Profiling;
using InferencePipeline.ModelAnalyzer.Search;

namespace InferencePipeline.ModelAnalyzer.Measuring;

/// <summary>
/// perf_analyzer driven the way Model Analyzer drives it, against any KServe v2 server in explicit model control
/// mode (ours or Triton): each config is loaded as an override of the repository entry it is served from, then
/// measured at each load with a closed loop (concurrency) or an open one (request rate) — batch-size requests of
/// random, zero or file data — and the server's statistics give each load's queue and compute times.
/// </summary>
public sealed class KServeServingMeasurer(
    Uri address,
    KServeModelControl control,
    Func<PlannedServingConfig, string> entryOf,
    MeasurementSettings settings,
    Action<string>? log = null) : IServingMeasurer
{
    private static readonly TimeSpan CleanupTimeout = TimeSpan.FromSeconds(30);

    private readonly Uri _address = address;
    private readonly KServeModelControl _control = control;
    private readonly MeasurementSettings _settings = settings;
    private readonly Action<string>? _log = log;
    private bool _warmedUp;

    /// <summary>The entries loaded so far (for the caller's cleanup).</summary>
    public HashSet<string> LoadedEntries { get; } = new(StringComparer.Ordinal);

    public async Task<IServingSession> OpenAsync(PlannedServingConfig config, CancellationToken cancellationToken)
    {
        var entry = entryOf(config);
        try
        {
            await _control.LoadAsync(entry, config.Config, _settings.ModelReadyTimeout ?? TimeSpan.FromMinutes(2), cancellationToken);
        }
        catch (ModelLoadException e)
        {
            var advice = e.Refusal is null ? "" : " Fix the config or leave that choice out of the search space.";
            throw new MeasurementFailedException(e.Message + advice, config.Name, e);
        }

        LoadedEntries.Add(entry);
        return new Session(this, config, entry);
    }

    /// <summary>Unloads every entry this measurer loaded; failures are reported through the log, never thrown.</summary>
    public async Task UnloadAllAsync()
    {
        using var timeout = new CancellationTokenSource(CleanupTimeout);
        foreach (var entry in LoadedEntries)
        {
            if (await _control.TryUnloadAsync(entry, timeout.Token) is { } error)
            {
                _log?.Invoke($"Could not unload {entry}: {error.Status.Detail}");
            }
        }

        LoadedEntries.Clear();
    }

    private sealed class Session(KServeServingMeasurer owner, PlannedServingConfig config, string entry) : IServingSession
    {
        private readonly Dictionary<int, GrpcInferenceTarget> _targets = [];

        public async Task<MeasuredLoad> MeasureAsync(LoadPoint point, CancellationToken cancellationToken)
        {
            var target = await TargetAsync(point.BatchSize, cancellationToken);
            var s = owner._settings;
            if (!owner._warmedUp && s.WarmupLimit > TimeSpan.Zero)
            {
                owner._warmedUp = true;
                var warm = await Wrap(() => JitWarmup.RunAsync(target, Math.Max(1, point.Concurrency), s.WarmupLimit, cancellationToken), point);
                owner._log?.Invoke($"Warmed up on {config.Name} for {warm.Elapsed.TotalSeconds:F1} s ({(warm.Settled ? "the JIT has settled" : "stopped at the time limit")})");
            }

            var started = Stopwatch.GetTimestamp();
            var result = await Wrap(() => point.RequestRate is { } rate
                ? new RequestRateLoadGenerator().MeasureDetailedAsync(target, rate, RateDistribution.Constant, s.LoadGen, cancellationToken: cancellationToken)
                : new ConcurrencyLoadGenerator().MeasureDetailedAsync(target, point.Concurrency, s.LoadGen, cancellationToken: cancellationToken), point);
            owner._log?.Invoke(
                $"{config.Name} at {point}: {result.Stats.ThroughputPerSec:F1} infer/s, p99 {result.Stats.P99Ms:F2} ms" +
                $"{(result.Stats.Stable ? "" : " (not stable)")} in {Stopwatch.GetElapsedTime(started).TotalSeconds:F1} s");
            var server = result.ServerStats is { } ss ? new ServerLatency(ss.QueueMs, ss.ComputeInputMs, ss.ComputeInferMs, ss.ComputeOutputMs) : null;
            return new MeasuredLoad(result.Stats, server);
        }

        public async ValueTask DisposeAsync()
        {
            foreach (var target in _targets.Values)
            {
                target.Dispose();
            }

            if (owner._settings.UnloadAfterEachConfig)
            {
                using var timeout = new CancellationTokenSource(CleanupTimeout);
                if (await owner._control.TryUnloadAsync(entry, timeout.Token) is null)
                {
                    owner.LoadedEntries.Remove(entry);
                }
            }
        }

        /// <summary>perf_analyzer's client for this config at one batch size, built once per batch size.</summary>
        private async Task<GrpcInferenceTarget> TargetAsync(int batchSize, CancellationToken cancellationToken)
        {
            if (_targets.TryGetValue(batchSize, out var target))
            {
                return target;
            }

            var s = owner._settings;
            try
            {
                target = s.InputDataFile is { } file
                    ? await GrpcInferenceTarget.CreateAsync(owner._address, entry, PerfAnalyzerInputData.Load(file), batchSize, s.Shapes, cancellationToken: cancellationToken)
                    : await GrpcInferenceTarget.CreateAsync(owner._address, entry, batchSize, s.InputData, s.Shapes, cancellationToken: cancellationToken);
            }
            catch (Exception e) when (e is ArgumentException or InputDataException || (e is LoadGenException && !KServeTransientFaults.IsTransient(e)))
            {
                throw new MeasurementFailedException($"Cannot build requests for config '{config.Name}': {e.Message}", config.Name, e);
            }

            _targets[batchSize] = target;
            return target;
        }

        private async Task<T> Wrap<T>(Func<Task<T>> measure, LoadPoint point)
        {
            try
            {
                return await measure();
            }
            catch (LoadGenException e) when (e.InnerException is not null && !KServeTransientFaults.IsTransient(e))
            {
                throw new MeasurementFailedException(
                    $"Measuring config '{config.Name}' at {point} failed: {e.Message}. The server rejects the requests; check the model's inputs and the config.",
                    config.Name, e);
            }
        }
    }
}
