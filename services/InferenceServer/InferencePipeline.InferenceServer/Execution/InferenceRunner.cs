using System.Diagnostics;
using System.Runtime.ExceptionServices;
using Inference;
using InferencePipeline.InferenceServer.Repository;
using InferencePipeline.InferenceServer.Telemetry;
using Microsoft.Extensions.Options;

namespace InferencePipeline.InferenceServer.Execution;

/// <summary>
/// The request path shared by the gRPC and REST surfaces: find the model, check and decode the request,
/// queue it, wait for its batch, count it. The gRPC stream runs each of its requests through here too, so
/// statistics count unary, streamed and REST requests alike.
/// </summary>
internal sealed class InferenceRunner(ModelRegistry registry, InFlightRequestBytes inFlight, IOptions<InferenceServerOptions> options)
{
    private readonly long _maxRequestBytes = options.Value.MaxRequestBytes;

    /// <summary>The server's bound on request bytes held at once, which the protocol surfaces count their requests against.</summary>
    public InFlightRequestBytes InFlight => inFlight;

    /// <param name="cancellation">
    /// The caller's call or stream: once cancelled, a request not yet run is dropped from its batch and fails
    /// with CANCELLED. The wait itself is not cut short, because the pooled job must come back from the batch first.
    /// </param>
    public async ValueTask<ModelInferResponse> InferAsync(ModelInferRequest request, CancellationToken cancellation = default)
    {
        var start = Stopwatch.GetTimestamp();
        var model = registry.Acquire(request.ModelName, request.ModelVersion);
        var job = model.RentJob();
        var success = false;
        using var activity = InferenceServerTelemetry.ActivitySource.StartActivity("ModelInfer", ActivityKind.Internal);
        activity?.SetTag("inference.model", request.ModelName);
        activity?.SetTag("inference.request_id", request.Id);
        try
        {
            RequestDecoder.Decode(model.Definition, request, _maxRequestBytes, job);
            if (cancellation.IsCancellationRequested)
            {
                throw Cancelled(request, model.Definition.Name);
            }
            job.Cancellation = cancellation;
            model.Enqueue(job);
            await job.Completion.ConfigureAwait(false);
            if (job.Error is { } error)
            {
                ExceptionDispatchInfo.Throw(error);
            }
            success = true;
            return job.Response!;
        }
        catch (Exception e) when (activity is not null)
        {
            activity.SetStatus(ActivityStatusCode.Error, e.Message);
            throw;
        }
        finally
        {
            var end = Stopwatch.GetTimestamp();
            model.Statistics.RecordRequest(success, start, end);
            var modelTag = new KeyValuePair<string, object?>("model", model.Definition.Name);
            InferenceServerTelemetry.Requests.Add(1, modelTag, new KeyValuePair<string, object?>("outcome", success ? "success" : "failure"));
            InferenceServerTelemetry.RequestDuration.Record(Stopwatch.GetElapsedTime(start, end).TotalSeconds, modelTag);
            model.ReturnJob(job);
            model.Release();
        }
    }

    public static InferenceException Cancelled(ModelInferRequest request, string model) =>
        new(Grpc.Core.StatusCode.Cancelled, $"request '{request.Id}' for model '{model}' was cancelled before it ran");
}
