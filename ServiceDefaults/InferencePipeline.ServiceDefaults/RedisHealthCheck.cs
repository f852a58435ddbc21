using Microsoft.Extensions.Diagnostics.HealthChecks;
using StackExchange.Redis;

namespace InferencePipeline.ServiceDefaults;

/// <summary>Ready only when Redis answers a PING: the service's state lives there.</summary>
public sealed class RedisHealthCheck(IConnectionMultiplexer redis) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var latency = await redis.GetDatabase().PingAsync();
            return HealthCheckResult.Healthy($"PING {latency.TotalMilliseconds:F1} ms");
        }
        catch (RedisException ex)
        {
            return HealthCheckResult.Unhealthy("Redis does not answer", ex);
        }
    }
}
