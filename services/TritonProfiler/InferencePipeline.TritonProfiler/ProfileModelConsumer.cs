using InferencePipeline.Artifacts;
using InferencePipeline.Contracts;
using InferencePipeline.KServe.Client;
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
/// Model Analyzer's <c>profile</c> as a stage: generate the configs, measure each on the inference server at
/// each concurrency (holding the server's lock), checkpoint every point, then write results.json and
/// publish <see cref="ModelProfiled"/>. A redelivered command resumes from the checkpoints.
/// </summary>
/// <remarks>
/// RabbitMQ closes the channel of a handler that runs past its consumer timeout (30 minutes by default,
/// docs/platform-facts.md); the message is then redelivered and the profile resumes from its checkpoints, so a
/// long profile converges over several deliveries instead of failing — but each delivery re-measures the point
/// it was cut off in. Keep demo search spaces small (<see cref="SearchSpace.Small"/> finishes in minutes) or
/// raise <c>consumer_timeout</c> for real sweeps.
/// </remarks>
public sealed class ProfileModelConsumer(
    ArtifactStore artifacts,
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
        var inputData = LoadInputData(request);
        var configs = await GenerateConfigsAsync(request, ct);
        if (request.SearchSpace.Mode == SearchMode.Quick)
        {
            logger.LogWarning("Quick (hill-climbing) search is not available; measuring the whole search space as BruteForce does");
        }

        var plan = new ProfilePlan(configs, request.SearchSpace.Concurrency);
        var limit = new ClimbLimit(request.Constraints?.MaxLatencyP99Ms, options.Value.LatencyBudgetFactor);
        var observer = new CheckpointingObserver(run, store, plan, logger);
        var checkpoints = await store.LoadAsync(request.PipelineId, ct);
        await observer.RepublishUnannouncedAsync(checkpoints, ct);

        var pending = plan.PendingConfigs(checkpoints, limit);
        await run.ProgressAsync(
            (double)checkpoints.Count / plan.Total,
            $"Profiling {plan.Configs.Count} configs × {plan.Concurrencies.Count} concurrencies = {plan.Total} points" +
            (checkpoints.Count > 0 ? $" ({checkpoints.Count} already measured, resuming)" : ""));
        WarnIfLong(plan, request.SearchSpace, pending);
        if (pending > 0)
        {
            await MeasureHoldingTheServerAsync(request, plan, checkpoints, limit, observer, inputData, ct);
        }

        var measurements = plan.InOrder(await store.LoadAsync(request.PipelineId, ct));
        var resultsUri = ArtifactStore.UriFor(request.PipelineId, ServingConfigGenerator.Stage, "results.json");
        await artifacts.WriteTextAsync(resultsUri, new ProfileResults(request.PipelineId, request.ModelName, measurements).ToJson(), ct);
        await run.ProgressAsync(1, $"Profiled {measurements.Count} points ({observer.Measured} measured now)");
        await run.PublishAsync(new ModelProfiled(request.PipelineId, request.ModelName, resultsUri, measurements.Count));
        logger.LogInformation("Profiled {Model}: {Count} measurements in {Uri}", request.ModelName, measurements.Count, resultsUri);
    }

    private async Task<IReadOnlyList<PlannedConfig>> GenerateConfigsAsync(ProfileModel request, CancellationToken ct)
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

    /// <summary>
    /// Measures the pending points while holding the server's lock, so no other profile's load distorts them;
    /// losing the lock midway stops the measuring and throws for a retry.
    /// </summary>
    /// <summary>The request's real inputs (perf_analyzer JSON), which the load generator then sends instead of random data.</summary>
    private PerfAnalyzerInputData? LoadInputData(ProfileModel request)
    {
        if (string.IsNullOrWhiteSpace(request.InputDataUri))
        {
            return null;
        }

        try
        {
            return PerfAnalyzerInputData.Load(ModelSource.ResolveLocalPath(request.InputDataUri, artifacts, "input data"));
        }
        catch (Exception e) when (e is FileNotFoundException or NotSupportedException or ArtifactUriException or InputDataException)
        {
            throw new StageFailedException(
                $"Cannot use the input data '{request.InputDataUri}': {e.Message.TrimEnd('.')}. Give perf_analyzer's --input-data JSON, or leave InputDataUri out to send random data.", e);
        }
    }

    private async Task MeasureHoldingTheServerAsync(
        ProfileModel request, ProfilePlan plan, IReadOnlyDictionary<string, CheckpointedMeasurement> checkpoints, ClimbLimit limit,
        CheckpointingObserver observer, PerfAnalyzerInputData? inputData, CancellationToken ct)
    {
        var address = server.Value.GrpcAddress;
        await using var lease = await serverLock.AcquireAsync(address, $"pipeline {request.PipelineId:N}", options.Value.LockWaitTimeout, ct);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, lease.Lost);
        try
        {
            await runner.RunAsync(request, plan, checkpoints, limit, observer, linked.Token, inputData);
        }
        catch (OperationCanceledException) when (lease.Lost.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            throw new ServerLockLostException(ServerLockKey.For(address));
        }
    }

    private void WarnIfLong(ProfilePlan plan, SearchSpace space, int pendingConfigs)
    {
        // The stability rule needs at least three windows per point.
        var estimate = TimeSpan.FromMilliseconds(3.0 * space.MeasurementWindowMs * pendingConfigs * plan.Concurrencies.Count);
        if (estimate > ConsumerTimeoutMargin)
        {
            logger.LogWarning(
                "This profile needs at least {Estimate} of measurement, past RabbitMQ's 30-minute consumer timeout: it will be redelivered and resume from checkpoints. Use a smaller search space or raise consumer_timeout.",
                estimate);
        }
    }
}
