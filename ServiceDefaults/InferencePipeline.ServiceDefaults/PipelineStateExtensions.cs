using System.Net;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

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

        // A service started before Redis waits for it (with backoff, in the log) and fails its start with one line if it
        // never comes; once running, the client keeps reconnecting in the background instead of failing the host.
        var connectionString = builder.Configuration.GetConnectionString(RedisConnectionName)!;
        builder.Services.AddSingleton<IHostedService>(sp => new StartupDependency("Redis", RedisConnectionName,
            () => RedisEndpoint(connectionString), builder.Configuration, sp.GetRequiredService<ILogger<StartupDependency>>(),
            sp.GetService<TimeProvider>() ?? TimeProvider.System));
        builder.AddRedisClient(RedisConnectionName, configureOptions: options => options.AbortOnConnectFail = false);
        return builder;
    }

    /// <summary>The first server of a StackExchange.Redis configuration string ("host:port,password=..."); 6379 by default.</summary>
    private static (string Host, int Port) RedisEndpoint(string connectionString)
    {
        var options = ConfigurationOptions.Parse(connectionString);
        return options.EndPoints.FirstOrDefault() switch
        {
            DnsEndPoint dns => (dns.Host, dns.Port == 0 ? 6379 : dns.Port),
            IPEndPoint ip => (ip.Address.ToString(), ip.Port == 0 ? 6379 : ip.Port),
            _ => throw new StartupFaultException(
                $"ConnectionStrings:{RedisConnectionName} '{connectionString}' names no server: give it as host:port, e.g. 127.0.0.1:6379"),
        };
    }
}
