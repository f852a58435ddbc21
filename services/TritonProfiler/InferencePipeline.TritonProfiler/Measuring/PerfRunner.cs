using InferencePipeline.Contracts;
using InferencePipeline.KServe.Client;
using InferencePipeline.LoadGen;
using InferencePipeline.ModelAnalyzer.Measuring;
using InferencePipeline.ModelAnalyzer.Profiling;
using InferencePipeline.ModelAnalyzer.Search;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace InferencePipeline.TritonProfiler.Measuring;

/// <summary>
/// The inference server as the profile engine measures on it: the model files are placed in the server's
/// repository once, on the first config that has something to measure (a profile resumed from complete checkpoints
/// touches no server), then each config is loaded over its entry with a config override and measured by the shared
/// <see cref="KServeServingMeasurer"/>. Disposing unloads and removes the entries.
/// </summary>
public sealed class PerfRunner(
    KServeClients clients,
    IOptions<InferenceServerEndpointOptions> server,
    IOptions<TritonProfilerOptions> options,
    ILogger<PerfRunner> logger)
{
    private readonly KServeClients _clients = clients;
    private readonly InferenceServerEndpointOptions _server = server.Value;
    private readonly TritonProfilerOptions _options = options.Value;
    private readonly ILogger _logger = logger;

    /// <summary>
    /// A measurer for one profile; <paramref name="beforeFirstLoad"/> runs once before anything touches the server (taking its lock).
    /// <paramref name="inputDataFile"/>: perf_analyzer JSON the load generator sends; null sends random data.
    /// </summary>
    public ProfileServer Begin(
        ProfileModel request, IReadOnlyList<PlannedServingConfig> entryConfigs, string? inputDataFile, Func<CancellationToken, Task> beforeFirstLoad) =>
        new(this, request, entryConfigs, inputDataFile, beforeFirstLoad);

    public sealed class ProfileServer(
        PerfRunner owner, ProfileModel request, IReadOnlyList<PlannedServingConfig> entryConfigs, string? inputDataFile, Func<CancellationToken, Task> beforeFirstLoad)
        : IServingMeasurer, IAsyncDisposable
    {
        private readonly KServeConnection _connection = owner._clients.Connect();
        private IReadOnlyDictionary<string, string>? _entries;
        private KServeServingMeasurer? _measurer;

        public async Task<IServingSession> OpenAsync(PlannedServingConfig config, CancellationToken cancellationToken)
        {
            if (_measurer is null)
            {
                await beforeFirstLoad(cancellationToken);
                var repository = owner._server.ModelRepository;
                _entries = await ProfilingEntries.PlaceAsync(repository, request.ModelName, request.PipelineId, entryConfigs, cancellationToken);
                var space = request.SearchSpace;
                var settings = new MeasurementSettings(
                    new LoadGenOptions { WindowMs = space.MeasurementWindowMs, StabilityPercentage = space.StabilityPercentage, MaxTrials = space.MaxTrials },
                    // perf_analyzer's --shape from the pipeline's input specs: the sizes of dims the model leaves dynamic.
                    Shapes: InputShapes.From(request.Inputs, entryConfigs[^1].Config.MaxBatchSize > 0),
                    InputDataFile: inputDataFile,
                    ModelReadyTimeout: owner._options.ModelReadyTimeout,
                    WarmupLimit: owner._options.WarmupLimit);
                _measurer = new KServeServingMeasurer(
                    owner._server.GrpcAddress, _connection.ModelControl, c => _entries[c.ModelPath], settings,
                    message => owner._logger.LogInformation("{Message}", message));
            }

            ProfilerTelemetry.ConfigLoads.Add(1);
            return await _measurer.OpenAsync(config, cancellationToken);
        }

        /// <summary>Unloads and removes the profiling entries; failures are logged, never thrown over the real outcome.</summary>
        public async ValueTask DisposeAsync()
        {
            if (_measurer is not null && _entries is not null)
            {
                await _measurer.UnloadAllAsync();
                try
                {
                    ProfilingEntries.Remove(owner._server.ModelRepository, _entries.Values);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    owner._logger.LogWarning(e, "Could not remove profiling entries {Entries}", _entries.Values);
                }
            }

            _connection.Dispose();
        }
    }
}
