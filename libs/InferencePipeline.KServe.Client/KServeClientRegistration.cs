using Inference;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;

namespace InferencePipeline.KServe.Client;

public static class KServeClientRegistration
{
    /// <summary>
    /// The KServe v2 control client: <see cref="KServeClients"/>, the endpoint options (<c>Pipeline:InferenceServer</c>)
    /// and a gRPC client registered with Grpc.Net.ClientFactory under <see cref="KServeClients.ControlClientName"/>.
    /// Safe to call from every stage that needs it; the first call registers.
    /// <para>Which client gets which handlers:</para>
    /// <list type="bullet">
    /// <item>Control calls (load, unload, readiness, metadata, statistics, smoke inference) go through this client.
    /// The host's HttpClient defaults apply to it — in the service hosts, ServiceDefaults' service discovery and
    /// resilience — except that its resilience handler is replaced by one with control timings: a model load answers
    /// only once the model is loaded, which can take minutes, where the standard 10 s attempt timeout would cut it
    /// and load again. A refused connection is retried briefly (the server may be restarting); a longer outage is
    /// left to the stage's message retries, which see it as transient (<see cref="KServeTransientFaults"/>).</item>
    /// <item>Measurement (the load generator's inference requests) never goes through the client factory: a retry
    /// would count as one slow request and a timeout would cut the latency tail, distorting what is measured. The
    /// load generator makes its own channel with <see cref="KServeChannel.Create"/>, with no handlers at all.</item>
    /// </list>
    /// </summary>
    public static IServiceCollection AddKServeClient(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (services.Any(d => d.ServiceType == typeof(KServeClients)))
        {
            return services;
        }

        services.AddOptions<InferenceServerEndpointOptions>().BindConfiguration(InferenceServerEndpointOptions.Section);
        services.AddSingleton<KServeClients>();
        var control = services.AddGrpcClient<GRPCInferenceService.GRPCInferenceServiceClient>(
                KServeClients.ControlClientName,
                (provider, client) => client.Address = provider.GetRequiredService<IOptions<InferenceServerEndpointOptions>>().Value.GrpcAddress)
            .ConfigureChannel(KServeChannel.RemoveMessageLimits);
        // The documented way to give one client other resilience than the host's defaults; still marked experimental.
#pragma warning disable EXTEXP0001
        control.RemoveAllResilienceHandlers();
#pragma warning restore EXTEXP0001
        control.AddStandardResilienceHandler(ConfigureControlResilience);
        return services;
    }

    /// <summary>The standard pipeline (retry, circuit breaker, timeouts) with timings that fit control calls.</summary>
    internal static void ConfigureControlResilience(HttpStandardResilienceOptions options)
    {
        // A model load (RepositoryModelLoad) answers when the model is loaded: minutes for a large model or many instances.
        options.AttemptTimeout.Timeout = TimeSpan.FromMinutes(10);
        options.TotalRequestTimeout.Timeout = TimeSpan.FromMinutes(30);
        // The options' own rule: the breaker samples at least twice the attempt timeout.
        options.CircuitBreaker.SamplingDuration = TimeSpan.FromMinutes(20);
        // Three quick retries (about 0.5 + 1 + 2 s) ride out a restart; the stage's message retries handle longer ones.
        options.Retry.Delay = TimeSpan.FromMilliseconds(500);
    }
}
