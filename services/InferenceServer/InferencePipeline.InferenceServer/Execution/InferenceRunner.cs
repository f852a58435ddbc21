using System.Diagnostics;
using System.Runtime.ExceptionServices;
using Inference;
using InferencePipeline.InferenceServer.Repository;
using InferencePipeline.InferenceServer.Telemetry;
using Microsoft.Extensions.Options;

namespace InferencePipeline.InferenceServer.Execution;

/// <summary>
/// The request path shared by the gRPC and REST surfaces: find the model, check and decode the request,
/// queue it, wait for its batch, count it.
/// </summary>
internal sealed class InferenceRunner(ModelRegistry registry, IOptions<InferenceServerOptions> options)
{
    private readonly long _maxRequestBytes = options.Value.MaxRequestBytes;

    public async ValueTask<ModelInferResponse> InferAsync(ModelInferRequest request)
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
}
