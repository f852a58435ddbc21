using InferencePipeline.Artifacts;
using InferencePipeline.Contracts;
using InferencePipeline.KServe.Client;
using InferencePipeline.ModelAnalyzer.Config;
using InferencePipeline.ModelAnalyzer.Measuring;
using InferencePipeline.ModelAnalyzer.Profiling;
using InferencePipeline.ModelAnalyzer.Reports;
using InferencePipeline.ModelAnalyzer.Search;
using InferencePipeline.LoadGen;
using InferencePipeline.ModelRepository;
using InferencePipeline.Stages;
using InferencePipeline.TritonProfiler.Checkpoints;
using InferencePipeline.TritonProfiler.Configs;
using InferencePipeline.TritonProfiler.Locking;
using InferencePipeline.TritonProfiler.Measuring;
using MassTransit;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace InferencePipeline.TritonProfiler;

/// <summary>
/// Model Analyzer's <c>profile</c> as a stage: generate the configs, run the shared profile engine over them (the
/// default and ORT-tuned configs swept first, then the search space by brute force or hill climbing, each config's
/// concurrency sweep by Model Analyzer's rules) on the inference server, holding the server's lock while it measures,
/// checkpointing every point; then write results.json and publish <see cref="ModelProfiled"/>. A redelivered command
/// resumes from the checkpoints.
/// </summary>
/// <remarks>
/// RabbitMQ closes the channel of a handler that runs past its consumer timeout (30 minutes by default,
/// docs/platform-facts.md); the message is then redelivered and the profile resumes from its checkpoints, so a
/// long profile converges over several deliveries instead of failing — but each delivery re-measures the point
/// it was cut off in. Keep demo search spaces small (<see cref="SearchSpace.Small"/> finishes in minutes), let
/// quick search walk large ones, or raise <c>consumer_timeout</c> for real sweeps.
/// </remarks>
public sealed class ProfileModelConsumer(
    ArtifactStore artifacts,
    ModelSourcePolicy sources,
    ServingConfigGenerator generator,
    PerfRunner runner,
    IMeasurementStore store,
    IServerLock serverLock,
    IOptions<InferenceServerEndpointOptions> server,
    IOptions<TritonProfilerOptions> options,
    ILogger<ProfileModelConsumer> logger) : IConsumer<ProfileModel>
{
    /// <summary>Past this estimate a warning says the profile will outlive RabbitMQ's consumer timeout.</summary>
    private static readonly TimeSpan ConsumerTimeoutMargin = TimeSpan.FromMinutes(25);

    public Task Consume(ConsumeContext<ProfileModel> context) =>
        StageExecution.RunAsync(context, ProfilerTelemetry.Stage, context.Message.PipelineId, context.Message.ModelName, logger, ProfileAsync);

    private async Task ProfileAsync(StageRun<ProfileModel> run)
    {
        var request = run.Command;
        var ct = run.CancellationToken;
        StageFailedException.ThrowIfProblem(ProfileRequestValidation.Problem(request));
        // Read once here, so bad data fails the stage before the server is touched; the load generator sends the file.
        var inputDataFile = PipelineInputData.Load(request.InputDataUri, sources,
            "Give perf_analyzer's --input-data JSON, or leave InputDataUri out to send random data.")?.Path;
        var space = await GenerateConfigsAsync(request, ct);
        if (space.Grid.BatchingDropped)
        {
            await run.ProgressAsync(0, $"'{request.ModelName}' has no batch dimension (max_batch_size 0), so it cannot batch: " +
                                       "searching instance counts (and backend parameters) without dynamic batching");
        }

        var mode = Mode(request.SearchSpace, space.Grid);
        var job = new ModelProfileJob(
            request.ModelName, space.Fixed, space.Grid, mode, LoadSpec.Concurrencies(request.SearchSpace.Concurrency),
            ConstraintSet.From(request.Constraints), ObjectiveScore.Default, options.Value.NumConfigsPerModel,
            request.SearchSpace.StabilityPercentage / 100);

        var checkpoints = await store.LoadAsync(request.PipelineId, ct);
        var observer = new CheckpointingObserver(run, store, checkpoints, logger);
        WarnIfLong(request.SearchSpace, job);

        IReadOnlyList<ProfileMeasurement> measurements;
        using (var linked = CancellationTokenSource.CreateLinkedTokenSource(ct))
        {
            IServerLease? lease = null;
            var address = server.Value.GrpcAddress;
            // The server's lock is taken only when something is left to measure: a fully checkpointed profile touches no server.
            var profileServer = runner.Begin(request, space.Fixed, inputDataFile, async token =>
            {
                lease = await serverLock.AcquireAsync(address, $"pipeline {request.PipelineId:N}", options.Value.LockWaitTimeout, token);
                lease.Lost.Register(linked.Cancel);
            });
            try
            {
                measurements = await new ProfileEngine(profileServer, observer, observer).ProfileAsync(job, linked.Token);
            }
            catch (OperationCanceledException) when (lease is { Lost.IsCancellationRequested: true } && !ct.IsCancellationRequested)
            {
                throw new ServerLockLostException(ServerLockKey.For(address));
            }
            catch (MeasurementFailedException e)
            {
                throw new ProfilingFailedException(e.Message, e);
            }
            finally
            {
                await profileServer.DisposeAsync();
                if (lease is not null)
                {
                    await lease.DisposeAsync();
                }
            }
        }

        var resultsUri = ArtifactStore.UriFor(request.PipelineId, ServingConfigGenerator.Stage, "results.json");
        await artifacts.WriteTextAsync(resultsUri, new ProfileResults(request.PipelineId, request.ModelName, measurements).ToJson(), ct);
        await run.ProgressAsync(1, $"Profiled {measurements.Count} points ({observer.Measured} measured now, {mode} search)");
        await run.PublishAsync(new ModelProfiled(request.PipelineId, request.ModelName, resultsUri, measurements.Count));
        logger.LogInformation("Profiled {Model}: {Count} measurements in {Uri}", request.ModelName, measurements.Count, resultsUri);
    }

    private async Task<ProfileSpace> GenerateConfigsAsync(ProfileModel request, CancellationToken ct)
    {
        try
        {
            return await generator.GenerateAsync(request, ct);
        }
        catch (Exception e) when (e is ArgumentException or FileNotFoundException or DirectoryNotFoundException
                                      or ArtifactUriException or ModelConfigFormatException)
        {
            throw new StageFailedException($"Cannot build the serving configs to profile: {e.Message}", e);
        }
    }

    /// <summary>The space's mode, with <see cref="SearchMode.Auto"/> resolved by the grid the model really has (it can be smaller than the space).</summary>
    private static ConfigSearchMode Mode(SearchSpace space, SearchSpaceGrid grid) => space.Mode switch
    {
        SearchMode.Quick => ConfigSearchMode.Quick,
        SearchMode.Auto when grid.Size() > SearchSpace.AutoQuickAbove => ConfigSearchMode.Quick,
        _ => ConfigSearchMode.Brute,
    };

    private void WarnIfLong(SearchSpace space, ModelProfileJob job)
    {
        // The stability rule needs at least three windows per point.
        var estimate = TimeSpan.FromMilliseconds(3.0 * space.MeasurementWindowMs * job.MaxMeasurements(job.DistinctConfigs().Count));
        if (estimate > ConsumerTimeoutMargin)
        {
            logger.LogWarning(
                "This profile may need up to {Estimate} of measurement, past RabbitMQ's 30-minute consumer timeout: it will be redelivered and resume from checkpoints. Use quick search, a smaller search space or raise consumer_timeout.",
                estimate);
        }
    }
}
