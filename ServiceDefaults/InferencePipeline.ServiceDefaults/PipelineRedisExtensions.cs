using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using StackExchange.Redis;

namespace InferencePipeline.ServiceDefaults;

/// <summary>
/// Registers one shared <see cref="IConnectionMultiplexer"/> when the "redis" connection string exists.
/// Services look for it and fall back to in-memory state when it is absent (the CLI demo), so this is a
/// no-op without the connection string. Call it before <c>AddPipelineBus</c>: saga registration decides
/// its repository by whether the multiplexer is registered.
/// </summary>
public static class PipelineRedisExtensions
{
    public const string RedisConnectionName = "redis";

    public static IHostApplicationBuilder AddPipelineRedis(this IHostApplicationBuilder builder)
    {
        builder.Services.AddPipelineRedis(builder.Configuration);
        return builder;
    }

    public static IServiceCollection AddPipelineRedis(this IServiceCollection services, IConfiguration configuration)
    {
        var connectionString = configuration.GetConnectionString(RedisConnectionName);
        if (string.IsNullOrWhiteSpace(connectionString))
            return services;

        services.TryAddSingleton<IConnectionMultiplexer>(_ =>
        {
            var options = ConfigurationOptions.Parse(connectionString);
            // Keep reconnecting in the background instead of failing the host when Redis starts after us.
            options.AbortOnConnectFail = false;
            return ConnectionMultiplexer.Connect(options);
        });
        services.AddHealthChecks().AddCheck<RedisHealthCheck>("redis", tags: ["ready"]);
        return services;
    }
}
