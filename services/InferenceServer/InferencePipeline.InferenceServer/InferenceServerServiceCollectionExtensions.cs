using Grpc.AspNetCore.Server;
using InferencePipeline.InferenceServer.Execution;
using InferencePipeline.InferenceServer.KServe;
using InferencePipeline.InferenceServer.Hosting;
using InferencePipeline.InferenceServer.Http;
using InferencePipeline.InferenceServer.Repository;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace InferencePipeline.InferenceServer;

public static class InferenceServerServiceCollectionExtensions
{
    /// <summary>
    /// Registers the embedded inference server: options (section "InferenceServer", then <paramref name="configure"/>),
    /// gRPC, the model registry, and the start-up loading of models.
    /// </summary>
    public static IServiceCollection AddInferenceServer(this IServiceCollection services, Action<InferenceServerOptions>? configure = null)
    {
        var optionsBuilder = services.AddOptions<InferenceServerOptions>().BindConfiguration(InferenceServerOptions.SectionName);
        if (configure is not null)
        {
            optionsBuilder.Configure(configure);
        }
        optionsBuilder.Validate(o => o.MaxRequestBytes > 0, "InferenceServer:MaxRequestBytes must be > 0");
        optionsBuilder.Validate(o => o.RepositoryPollInterval > TimeSpan.Zero, "InferenceServer:RepositoryPollInterval must be > 0");
        optionsBuilder.Validate(o => o.MaxQueueSize >= 0, "InferenceServer:MaxQueueSize must be >= 0 (0: unbounded)");
        optionsBuilder.Validate(o => o.MaxInFlightBytes > 0, "InferenceServer:MaxInFlightBytes must be > 0");

        services.AddGrpc();
        // Let requests a bit over our own limit through gRPC's framing so RequestDecoder can refuse them with
        // a message that names the limit, instead of gRPC's generic "message exceeds the maximum size".
        services.AddOptions<GrpcServiceOptions>().Configure<IOptions<InferenceServerOptions>>((grpc, server) =>
        {
            grpc.MaxReceiveMessageSize = (int)Math.Min(int.MaxValue, server.Value.MaxRequestBytes * 2 + 1024 * 1024);
            grpc.MaxSendMessageSize = null;
        });

        services.AddSingleton(sp => new ModelLoader(sp.GetRequiredService<IOptions<InferenceServerOptions>>().Value,
            sp.GetRequiredService<Microsoft.Extensions.Logging.ILogger<ModelLoader>>()));
        services.AddSingleton<ModelRegistry>();
        services.AddSingleton<InFlightRequestBytes>();
        services.AddSingleton<InferenceRunner>();
        services.AddSingleton<RepositoryPoller>();
        // Registration order is start order: the start-up load finishes before the poller's first rescan is due.
        services.AddHostedService<ModelRepositoryStartup>();
        services.AddHostedService(sp => sp.GetRequiredService<RepositoryPoller>());
        services.AddHostedService<ServerStartupLog>();
        return services;
    }

    /// <summary>Maps the KServe v2 gRPC service and the HTTP/REST health and metadata endpoints.</summary>
    public static IEndpointRouteBuilder MapInferenceServer(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGrpcService<InferenceGrpcService>();
        RestEndpoints.Map(endpoints);
        return endpoints;
    }
}
