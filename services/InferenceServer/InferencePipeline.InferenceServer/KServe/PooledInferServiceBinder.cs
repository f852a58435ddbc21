using Grpc.Core;
using Inference;

namespace InferencePipeline.InferenceServer.KServe;

/// <summary>
/// Binds <see cref="InferenceGrpcService"/> like the generated binder does, except that ModelInfer uses
/// <see cref="PooledInferMarshallers"/>. Grpc.AspNetCore finds this through the service's
/// <see cref="BindServiceMethodAttribute"/>; every other method keeps its generated marshallers.
/// </summary>
internal sealed class PooledInferServiceBinder(ServiceBinderBase inner) : ServiceBinderBase
{
    // The parameter is the generated base type on purpose: Grpc.AspNetCore resolves handlers only for methods whose
    // virtual definition lives on the type named here (the generated base), and it accepts a base-typed parameter.
    public static void BindService(ServiceBinderBase binder, GRPCInferenceService.GRPCInferenceServiceBase service) =>
        GRPCInferenceService.BindService(new PooledInferServiceBinder(binder), service);

    public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, UnaryServerMethod<TRequest, TResponse>? handler)
    {
        if (method.Name == nameof(GRPCInferenceService.GRPCInferenceServiceBase.ModelInfer)
            && PooledInferMarshallers.Request is Marshaller<TRequest> request
            && PooledInferMarshallers.Response is Marshaller<TResponse> response)
        {
            method = new Method<TRequest, TResponse>(method.Type, method.ServiceName, method.Name, request, response);
        }

        inner.AddMethod(method, handler);
    }

    public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, ClientStreamingServerMethod<TRequest, TResponse>? handler) =>
        inner.AddMethod(method, handler);

    public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, ServerStreamingServerMethod<TRequest, TResponse>? handler) =>
        inner.AddMethod(method, handler);

    public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, DuplexStreamingServerMethod<TRequest, TResponse>? handler) =>
        inner.AddMethod(method, handler);
}
