using Grpc.Core;
using Inference;
using InferencePipeline.Artifacts;
using InferencePipeline.Contracts;
using InferencePipeline.KServe.Client;
using InferencePipeline.LoadGen;
using InferencePipeline.ModelRepository;
using InferencePipeline.Onnx;
using InferencePipeline.Stages;
using MassTransit;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace InferencePipeline.Deployer;

/// <summary>
/// Serves the analyzer's choice: copies the chosen config and its model into a deployable Triton repository
/// (<c>artifacts/&lt;id&gt;/deployer/model_repository/&lt;served name&gt;/</c>) and into the inference server's
/// repository, loads it over KServe v2, and proves it with a smoke inference compared against ONNX Runtime
/// before publishing <see cref="ModelDeployed"/>. Local servers, Triton and the inference server container app of
/// a system published to Container Apps are served the same way (the repository is a shared directory or volume).
/// An Azure ML target is proven the same way first, then bundled and, with a workspace, deployed to its managed
/// online endpoint (<see cref="AzureMlTargetDeployer"/>).
/// </summary>
public sealed class DeployModelConsumer(
    ArtifactStore artifacts,
    ModelSourcePolicy sources,
    KServeClients clients,
    IOptions<InferenceServerEndpointOptions> server,
    IOptions<DeployerOptions> options,
    AzureMlConnection azure,
    ILogger<DeployModelConsumer> logger) : IConsumer<DeployModel>
{
    public const string Stage = "deployer";
    public const string RepositoryFolder = "model_repository";

    public Task Consume(ConsumeContext<DeployModel> context) =>
        StageExecution.RunAsync(context, DeployerTelemetry.Stage, context.Message.PipelineId, context.Message.ModelName, logger, DeployAsync);

    private async Task DeployAsync(StageRun<DeployModel> run)
    {
        var request = run.Command;
        var ct = run.CancellationToken;
        StageFailedException.ThrowIfProblem(Problem(request));
        run.Activity?.SetTag("deploy.target", request.Target.Kind.ToString());
        var servedName = request.Target.Name ?? request.ModelName;
        var endpoint = string.IsNullOrWhiteSpace(request.Target.Endpoint) || request.Target.Kind == DeployTargetKind.AzureMl
            ? server.Value.GrpcAddress
            : new Uri(request.Target.Endpoint);
        var (document, modelPath) = ReadChosenEntry(request, servedName);
        var inputData = PipelineInputData.Load(request.InputDataUri, sources,
            "Give perf_analyzer's --input-data JSON, or leave InputDataUri out to smoke-test on generated inputs.")?.Data;

        var repositoryUri = ArtifactStore.UriFor(request.PipelineId, Stage, RepositoryFolder);
        await ModelRepositoryLayout.CreateEntryAsync(artifacts.PathFor(repositoryUri), servedName, modelPath, document, 1, ct);
        await run.ProgressAsync(0.25, $"Wrote the deployable repository {repositoryUri}/{servedName}");

        OutputComparison comparison;
        using (var connection = clients.Connect(endpoint))
        {
            var change = await ServedEntryChange.BeginAsync(server.Value.ModelRepository, servedName, request.PipelineId, connection, ct);
            try
            {
                await ModelRepositoryLayout.CreateEntryAsync(server.Value.ModelRepository, servedName, modelPath, document, 1, ct);
                comparison = await ServeAndCheckAsync(run, connection, servedName, document.Config, modelPath, request.Inputs, inputData);
            }
            catch (Exception)
            {
                // Cancelled, stopping, refused or wrong: whatever this run loaded goes, what served before serves again.
                await change.RollBackAsync(connection, options.Value.ModelReadyTimeout, logger);
                throw;
            }

            change.Commit();
        }

        if (request.Target.Kind == DeployTargetKind.AzureMl)
        {
            await run.ProgressAsync(0.7, $"'{servedName}' serves on {endpoint} as Triton will serve it on Azure ML; smoke inference matches ONNX Runtime ({comparison})");
            var deployed = await new AzureMlTargetDeployer(artifacts, azure, options.Value)
                .DeployAsync(run, servedName, artifacts.PathFor(repositoryUri), (endpoint, comparison.MaxAbsDiff));
            logger.LogInformation("Azure ML target {Endpoint} for {Served}: {Result}", request.Target.Endpoint, servedName, deployed.NextSteps ?? deployed.Endpoint);
            await run.PublishAsync(deployed);
            return;
        }

        await run.ProgressAsync(1, $"'{servedName}' serves on {endpoint}; smoke inference matches ONNX Runtime ({comparison})");
        logger.LogInformation("Deployed {Served} on {Endpoint}: {Comparison}", servedName, endpoint, comparison);
        await run.PublishAsync(
            new ModelDeployed(request.PipelineId, request.ModelName, servedName, endpoint.ToString(), repositoryUri, comparison.MaxAbsDiff));
    }

    /// <summary>What is wrong with the command, in words the user can act on; null when nothing is.</summary>
    public static string? Problem(DeployModel request)
    {
        if (request.PipelineId == Guid.Empty)
        {
            return "The DeployModel command has no pipeline id.";
        }

        if (request.Target is null)
        {
            return "The DeployModel command has no deployment target.";
        }

        switch (request.Target.Kind)
        {
            case DeployTargetKind.LocalServer or DeployTargetKind.Triton or DeployTargetKind.ContainerApps:
                break;
            case DeployTargetKind.AzureMl:
                if (AzureMlTargetDeployer.Problem(request.Target, request.Target.Name ?? request.ModelName) is { } azureMlProblem)
                {
                    return azureMlProblem;
                }

                // The endpoint names the Azure ML endpoint; the model is proven on the pipeline's own server first.
                return string.IsNullOrWhiteSpace(request.BestConfigUri)
                    ? "The DeployModel command names no config to deploy (BestConfigUri from ResultsAnalyzed)."
                    : null;
            case DeployTargetKind.None:
                return "The deployment target is None (stop after analysis), so there is nothing to deploy.";
            default:
                return $"Unknown deployment target kind {request.Target.Kind}.";
        }

        if (!string.IsNullOrWhiteSpace(request.Target.Endpoint)
            && !(Uri.TryCreate(request.Target.Endpoint, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"))
        {
            return $"Deployment endpoint '{request.Target.Endpoint}' is not an http(s) URI of a KServe v2 gRPC endpoint (e.g. http://localhost:8001).";
        }

        if (ModelNames.Problem(request.Target.Name ?? request.ModelName) is { } nameProblem)
        {
            return nameProblem;
        }

        return string.IsNullOrWhiteSpace(request.BestConfigUri)
            ? "The DeployModel command names no config to deploy (BestConfigUri from ResultsAnalyzed)."
            : null;
    }

    /// <summary>
    /// The chosen config, renamed to the served name (keeping what the user wrote that our ModelConfig does not
    /// know), and the model it serves. The profiler's output repository holds each config as a Triton entry,
    /// config.pbtxt beside &lt;version&gt;/model.onnx (a link to the tuned model), as Model Analyzer's does.
    /// </summary>
    private (ModelConfigDocument Document, string ModelPath) ReadChosenEntry(DeployModel request, string servedName)
    {
        try
        {
            var configPath = artifacts.PathFor(request.BestConfigUri);
            if (!File.Exists(configPath))
            {
                throw new StageFailedException($"The chosen config {request.BestConfigUri} does not exist (looked at {configPath}); re-run profiling and analysis.");
            }

            var document = ModelConfigFile.ReadDocument(configPath);
            document.Config.Name = servedName;
            return (document, ModelRepositoryLayout.ServedModelPath(configPath, "the profiler's output repository is incomplete; re-run profiling."));
        }
        catch (Exception e) when (e is FileNotFoundException or ArtifactUriException or ModelConfigFormatException)
        {
            throw new StageFailedException(e.Message, e);
        }
    }

    /// <summary>
    /// Loads the entry over KServe v2 and holds a smoke inference's answer to ONNX Runtime's on the same input. A wrong
    /// answer or one that cannot be had fails the stage; the caller rolls back what was loaded. Transient faults
    /// propagate for a retry.
    /// </summary>
    private async Task<OutputComparison> ServeAndCheckAsync(
        StageRun<DeployModel> run, KServeConnection connection, string servedName, ModelConfig config, string modelPath, IReadOnlyList<TensorSpec>? sizes, PerfAnalyzerInputData? inputData)
    {
        var ct = run.CancellationToken;
        OutputComparison comparison;
        try
        {
            await connection.ModelControl.LoadAsync(servedName, options.Value.ModelReadyTimeout, ct);
            await run.ProgressAsync(0.6, $"'{servedName}' is loaded and ready on {connection.Address}; running the smoke inference");
            comparison = await SmokeInference.RunAsync(connection.Client, servedName, config, modelPath, ct, sizes, inputData);
        }
        catch (ModelLoadException e)
        {
            throw new StageFailedException(e.Message, e);
        }
        catch (RpcException e) when (!KServeTransientFaults.IsTransient(e) && !ct.IsCancellationRequested)
        {
            throw new StageFailedException($"The smoke inference on '{servedName}' failed on the server: {e.Status.Detail} ({e.StatusCode}).", e);
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or InvalidModelException)
        {
            throw new StageFailedException($"The smoke inference on '{servedName}' could not be run: {e.Message}", e);
        }

        DeployerTelemetry.SmokeMaxAbsDiff.Record(comparison.MaxAbsDiff);
        if (!comparison.Within(options.Value.SmokeTolerance))
        {
            throw new StageFailedException(
                $"The served '{servedName}' does not answer like ONNX Runtime on the same input: {comparison} > tolerance {options.Value.SmokeTolerance:G3}. " +
                "It was unloaded (and what served under that name before, if anything, put back); check that the server serves the model file the profiler chose.");
        }

        return comparison;
    }
}
