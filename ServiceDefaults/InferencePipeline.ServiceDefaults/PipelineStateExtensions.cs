using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace InferencePipeline.ServiceDefaults;

/// <summary>
/// State that must outlive a service's process: the orchestrator's saga and status, the profiler's checkpoints
/// and server lock. A host whose service keeps such state calls <see cref="AddPipelineState"/>; the AppHost
/// gives those services, and only those, the <c>redis</c> connection (<c>WithPipelineState</c>). The stages
/// without state neither call it nor wait for Redis.
/// </summary>
public static class PipelineStateExtensions
{
    public const string RedisConnectionName = "redis";

    /// <summary>
    /// With the <c>redis</c> connection string: Aspire's Redis client, one shared <c>IConnectionMultiplexer</c>
    /// with its health check (the service is not ready until Redis answers) and its traces. Without it (the CLI
    /// demo, tests composing services in one process) nothing is registered and the services keep their state
    /// in memory. Call it before <c>AddPipelineBus</c>: the orchestrator picks its saga repository when the bus
    /// is composed, so a Redis client added afterwards would go unused; that order is enforced here.
    /// </summary>
    public static IHostApplicationBuilder AddPipelineState(this IHostApplicationBuilder builder)
    {
        if (builder.Services.Any(d => d.ServiceType == typeof(IBus)))
        {
            throw new InvalidOperationException(
                "AddPipelineState was called after AddPipelineBus: the bus has already chosen where state goes. Call AddPipelineState first.");
        }

        if (string.IsNullOrWhiteSpace(builder.Configuration.GetConnectionString(RedisConnectionName)))
        {
            return builder;
        }

        // Keep reconnecting in the background instead of failing the host when Redis starts after us.
        builder.AddRedisClient(RedisConnectionName, configureOptions: options => options.AbortOnConnectFail = false);
        return builder;
    }
}
