using Google.Protobuf;
using Grpc.Core;
using Inference;
using InferencePipeline.InferenceServer.Execution;
using InferencePipeline.InferenceServer.Repository;
using Microsoft.Extensions.Options;

namespace InferencePipeline.InferenceServer.KServe;

/// <summary>
/// KServe v2 <c>inference.GRPCInferenceService</c> with Triton's extensions, over the embedded model registry.
/// Refusals become gRPC statuses with Triton-like messages. ModelInfer travels through pooled buffers
/// (<see cref="PooledInferServiceBinder"/>).
/// </summary>
[BindServiceMethod(typeof(PooledInferServiceBinder), nameof(PooledInferServiceBinder.BindService))]
internal sealed class InferenceGrpcService(ModelRegistry registry, InferenceRunner runner, IOptions<InferenceServerOptions> options)
    : GRPCInferenceService.GRPCInferenceServiceBase
{
    public override Task<ServerLiveResponse> ServerLive(ServerLiveRequest request, ServerCallContext context) =>
        Task.FromResult(new ServerLiveResponse { Live = true });

    public override Task<ServerReadyResponse> ServerReady(ServerReadyRequest request, ServerCallContext context) =>
        Task.FromResult(new ServerReadyResponse { Ready = true });

    public override Task<ModelReadyResponse> ModelReady(ModelReadyRequest request, ServerCallContext context) =>
        Task.FromResult(new ModelReadyResponse { Ready = registry.IsReady(request.Name, request.Version) });

    public override Task<ServerMetadataResponse> ServerMetadata(ServerMetadataRequest request, ServerCallContext context) =>
        Task.FromResult(new ServerMetadataResponse
        {
            Name = ServerIdentity.Name,
            Version = ServerIdentity.Version,
            Extensions = { "model_repository", "model_repository(unload_dependents)", "schedule_policy", "model_configuration", "statistics" },
        });

    public override Task<ModelMetadataResponse> ModelMetadata(ModelMetadataRequest request, ServerCallContext context) =>
        Guard(() => ModelMetadataBuilder.Build(registry, request.Name, request.Version));

    public override async Task<ModelInferResponse> ModelInfer(ModelInferRequest request, ServerCallContext context)
    {
        try
        {
            HoldReceiveBuffer(request);
            return await runner.InferAsync(request, context.CancellationToken).ConfigureAwait(false);
        }
        catch (InferenceException e)
        {
            throw new RpcException(new Status(e.Code, e.Message));
        }
        finally
        {
            // The inputs were copied into the batch's tensors; the receive buffer they pointed into can go back.
            if (request.ReceiveBuffer is { } received)
            {
                runner.InFlight.Release(received.Length);
                request.ReceiveBuffer = null;
                System.Buffers.ArrayPool<byte>.Shared.Return(received);
            }
        }
    }

    /// <summary>
    /// Counts the pooled receive buffer, which the request keeps alive until it is answered, against the server's in-flight
    /// limit; over it, gives the buffer back at once (nothing counted, nothing to release) and refuses the request. Apart
    /// from the async handler, so its state machine carries no more fields than before; the limit is reached through the
    /// runner because gRPC creates this service for every call, and a field more here is bytes more per request.
    /// </summary>
    private void HoldReceiveBuffer(ModelInferRequest request)
    {
        if (request.ReceiveBuffer is { } buffer && !runner.InFlight.TryReserve(buffer.Length))
        {
            var refusal = runner.InFlight.Refusal(buffer.Length);
            request.ReceiveBuffer = null;
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
            throw refusal;
        }
    }

    /// <summary>Triton's bidirectional stream: one response per request, errors in-band (see <see cref="ModelStreamInferCall"/>).</summary>
    public override Task ModelStreamInfer(IAsyncStreamReader<ModelInferRequest> requestStream,
        IServerStreamWriter<ModelStreamInferResponse> responseStream, ServerCallContext context) =>
        ModelStreamInferCall.RunAsync(runner, requestStream, responseStream, context.CancellationToken);

    public override Task<ModelConfigResponse> ModelConfig(ModelConfigRequest request, ServerCallContext context) =>
        Guard(() => new ModelConfigResponse { Config = registry.Get(request.Name, request.Version).Definition.Config });

    public override Task<ModelStatisticsResponse> ModelStatistics(ModelStatisticsRequest request, ServerCallContext context) =>
        Guard(() =>
        {
            var response = new ModelStatisticsResponse();
            foreach (var model in ModelStatisticsSelection.Select(registry, request.Name, request.Version))
            {
                response.ModelStats.Add(model.Statistics.Snapshot(model.Definition.Name, model.Definition.Version));
            }
            return response;
        });

    public override Task<RepositoryIndexResponse> RepositoryIndex(RepositoryIndexRequest request, ServerCallContext context) =>
        Guard(() =>
        {
            var response = new RepositoryIndexResponse();
            foreach (var entry in registry.Index(request.Ready))
            {
                response.Models.Add(new RepositoryIndexResponse.Types.ModelIndex
                {
                    Name = entry.Name, Version = entry.Version, State = entry.State, Reason = entry.Reason,
                });
            }
            return response;
        });

    public override async Task<RepositoryModelLoadResponse> RepositoryModelLoad(RepositoryModelLoadRequest request, ServerCallContext context)
    {
        try
        {
            ModelControl.RequireExplicitMode(options.Value);
            var modelOverride = ParseOverride(request);
            await registry.LoadAsync(request.ModelName, modelOverride, context.CancellationToken).ConfigureAwait(false);
            return new RepositoryModelLoadResponse();
        }
        catch (InferenceException e)
        {
            throw new RpcException(new Status(e.Code, e.Message));
        }
    }

    public override async Task<RepositoryModelUnloadResponse> RepositoryModelUnload(RepositoryModelUnloadRequest request, ServerCallContext context)
    {
        try
        {
            ModelControl.RequireExplicitMode(options.Value);
            await registry.UnloadAsync(request.ModelName, context.CancellationToken).ConfigureAwait(false);
            return new RepositoryModelUnloadResponse();
        }
        catch (InferenceException e)
        {
            throw new RpcException(new Status(e.Code, e.Message));
        }
    }

    /// <summary>
    /// Triton's load parameters: "config" (string_param, or bytes_param holding UTF-8) with the whole ModelConfig as
    /// JSON, and "file:&lt;version&gt;/&lt;file&gt;" (bytes_param) with one file of the model; unknown keys are ignored.
    /// </summary>
    private static ModelOverride? ParseOverride(RepositoryModelLoadRequest request)
    {
        var parameters = new ModelLoadParameters(request.ModelName);
        foreach (var (key, parameter) in request.Parameters)
        {
            if (key == ModelLoadParameters.ConfigParameter)
            {
                parameters.AddConfig(parameter.ParameterChoiceCase switch
                {
                    ModelRepositoryParameter.ParameterChoiceOneofCase.StringParam => parameter.StringParam,
                    ModelRepositoryParameter.ParameterChoiceOneofCase.BytesParam => parameter.BytesParam.ToStringUtf8(),
                    _ => throw ModelControl.NotAString(request.ModelName),
                });
            }
            else if (ModelLoadParameters.IsFile(key))
            {
                if (parameter.ParameterChoiceCase != ModelRepositoryParameter.ParameterChoiceOneofCase.BytesParam)
                {
                    throw ModelControl.FileNotBytes(request.ModelName, key, "a bytes_param");
                }
                parameters.AddFile(key, parameter.BytesParam.ToByteArray());
            }
        }
        return parameters.Build();
    }

    private static Task<T> Guard<T>(Func<T> action)
    {
        try
        {
            return Task.FromResult(action());
        }
        catch (InferenceException e)
        {
            throw new RpcException(new Status(e.Code, e.Message));
        }
    }
}
