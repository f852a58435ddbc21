using Grpc.Core;
using Inference;
using InferencePipeline.Artifacts;
using InferencePipeline.Contracts;
using InferencePipeline.KServe.Client;
using InferencePipeline.ModelRepository;
using InferencePipeline.Onnx;
using MassTransit;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace InferencePipeline.Deployer;

/// <summary>
/// Serves the analyzer's choice: copies the chosen config and its model into a deployable Triton repository
/// (<c>artifacts/&lt;id&gt;/deployer/model_repository/&lt;served name&gt;/</c>) and into the inference server's
/// repository, loads it over KServe v2, and proves it with a smoke inference compared against ONNX Runtime
/// before publishing <see cref="ModelDeployed"/>. Local servers and Triton are served the same way (the
/// repository is a shared directory); Azure ML and Container Apps are a later issue.
/// </summary>
public sealed class DeployModelConsumer(
    ArtifactStore artifacts,
    KServeClients clients,
    IOptions<InferenceServerEndpointOptions> server,
    IOptions<DeployerOptions> options,
    ILogger<DeployModelConsumer> logger) : IConsumer<DeployModel>
{
    public const string Stage = "deployer";
    public const string RepositoryFolder = "model_repository";

    public async Task Consume(ConsumeContext<DeployModel> context)
    {
        var request = context.Message;
        var ct = context.CancellationToken;
        using var activity = DeployerTelemetry.ActivitySource.StartActivity("deploy model");
        activity?.SetTag("pipeline.id", request.PipelineId);

        if (Problem(request) is { } problem)
        {
            await FailAsync(context, problem);
            return;
        }

        activity?.SetTag("deploy.target", request.Target.Kind.ToString());
        var servedName = request.Target.Name ?? request.ModelName;
        var endpoint = string.IsNullOrWhiteSpace(request.Target.Endpoint) ? server.Value.GrpcAddress : new Uri(request.Target.Endpoint);
        ModelConfigDocument document;
        string modelPath;
        try
        {
            var configPath = artifacts.PathFor(request.BestConfigUri);
            if (!File.Exists(configPath))
            {
                throw new FileNotFoundException($"The chosen config {request.BestConfigUri} does not exist (looked at {configPath}); re-run profiling and analysis.");
            }

            // The document keeps what the user wrote that our ModelConfig does not know; the served entries get it too.
            document = ModelConfigFile.ReadDocument(configPath);
            document.Config.Name = servedName;
            // The profiler's output repository holds each config as a Triton entry, config.pbtxt beside
            // <version>/model.onnx (a link to the tuned model), as Model Analyzer's output repository does.
            modelPath = ModelRepositoryLayout.ServedModelPath(configPath, "the profiler's output repository is incomplete; re-run profiling.");
        }
        catch (Exception e) when (e is FileNotFoundException or ArtifactUriException or ModelConfigFormatException)
        {
            await FailAsync(context, e.Message);
            return;
        }

        var config = document.Config;
        var repositoryUri = ArtifactStore.UriFor(request.PipelineId, Stage, RepositoryFolder);
        await ModelRepositoryLayout.CreateEntryAsync(artifacts.PathFor(repositoryUri), servedName, modelPath, document, 1, ct);
        await ProgressAsync(context, 0.25, $"Wrote the deployable repository {repositoryUri}/{servedName}");

        await ModelRepositoryLayout.CreateEntryAsync(server.Value.ModelRepository, servedName, modelPath, document, 1, ct);
        using var connection = clients.Connect(endpoint);
        var client = connection.Client;
        var control = connection.ModelControl;
        OutputComparison comparison;
        try
        {
            await control.LoadAsync(servedName, options.Value.ModelReadyTimeout, ct);
            await ProgressAsync(context, 0.6, $"'{servedName}' is loaded and ready on {endpoint}; running the smoke inference");
            comparison = await SmokeInference.RunAsync(client, servedName, config, modelPath, ct);
        }
        catch (Exception e) when (e is ModelLoadException or DeploymentFailedException)
        {
            await FailAsync(context, e.Message);
            return;
        }
        catch (RpcException e) when (!KServeTransientFaults.IsTransient(e))
        {
            await control.TryUnloadAsync(servedName, ct);
            await FailAsync(context, $"The smoke inference on '{servedName}' failed on the server: {e.Status.Detail} ({e.StatusCode}).");
            return;
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or InvalidModelException)
        {
            await control.TryUnloadAsync(servedName, ct);
            await FailAsync(context, $"The smoke inference on '{servedName}' could not be run: {e.Message}");
            return;
        }

        DeployerTelemetry.SmokeMaxAbsDiff.Record(comparison.MaxAbsDiff);
        if (!comparison.Within(options.Value.SmokeTolerance))
        {
            await control.TryUnloadAsync(servedName, ct);
            await FailAsync(context,
                $"The served '{servedName}' does not answer like ONNX Runtime on the same input: {comparison} > tolerance {options.Value.SmokeTolerance:G3}. " +
                "It was unloaded; check that the server serves the model file the profiler chose.");
            return;
        }

        await ProgressAsync(context, 1, $"'{servedName}' serves on {endpoint}; smoke inference matches ONNX Runtime ({comparison})");
        DeployerTelemetry.Deployments.Add(1, new KeyValuePair<string, object?>("outcome", "deployed"));
        logger.LogInformation("Deployed {Served} on {Endpoint}: {Comparison}", servedName, endpoint, comparison);
        await context.Publish(
            new ModelDeployed(request.PipelineId, request.ModelName, servedName, endpoint.ToString(), repositoryUri, comparison.MaxAbsDiff), ct);
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
            case DeployTargetKind.LocalServer or DeployTargetKind.Triton:
                break;
            case DeployTargetKind.AzureMl or DeployTargetKind.ContainerApps:
                return $"Deploying to {request.Target.Kind} is not supported yet (a later issue); deploy to LocalServer or Triton, " +
                       "or take the deployable repository from the report.";
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

        var servedName = request.Target.Name ?? request.ModelName;
        if (!ModelNames.IsValid(servedName))
        {
            return $"Served model name '{servedName}' cannot name a repository entry: use letters, digits, '_', '-' and '.'.";
        }

        return string.IsNullOrWhiteSpace(request.BestConfigUri)
            ? "The DeployModel command names no config to deploy (BestConfigUri from ResultsAnalyzed)."
            : null;
    }

    private static Task ProgressAsync(ConsumeContext<DeployModel> context, double fraction, string message) =>
        context.Publish(new StageProgress(context.Message.PipelineId, PipelineStage.Deploying, fraction, message), context.CancellationToken);

    private async Task FailAsync(ConsumeContext<DeployModel> context, string reason)
    {
        DeployerTelemetry.Deployments.Add(1, new KeyValuePair<string, object?>("outcome", "failed"));
        logger.LogWarning("Deploying pipeline {PipelineId} failed: {Reason}", context.Message.PipelineId, reason);
        await context.Publish(new StageFailed(context.Message.PipelineId, PipelineStage.Deploying, reason), context.CancellationToken);
    }
}
