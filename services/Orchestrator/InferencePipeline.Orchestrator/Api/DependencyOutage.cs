using MassTransit;
using StackExchange.Redis;

namespace InferencePipeline.Orchestrator.Api;

/// <summary>
/// Which dependency an exception says is down: Redis (the state store's connection or timeout errors), RabbitMQ
/// (MassTransit's connection errors, or a send that did not finish in time), or none (a bug, not an outage).
/// </summary>
public static class DependencyOutage
{
    public const string Redis = "Redis";
    public const string RabbitMq = "RabbitMQ";

    public static string? Of(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case DependencyUnavailableException unavailable:
                    return unavailable.Dependency;
                case RedisConnectionException or RedisTimeoutException:
                    return Redis;
                case ConnectionException:
                    return RabbitMq;
            }
        }

        return null;
    }

    /// <summary>What a client reads in the 503: what is down, that nothing happened, and when to come back.</summary>
    public static string Detail(string dependency, int retryAfterSeconds) => dependency switch
    {
        Redis => $"The orchestrator cannot reach its state store (Redis) right now, so it cannot read or change pipelines. Try again in {retryAfterSeconds} s.",
        RabbitMq => $"The orchestrator cannot reach its message broker (RabbitMQ) right now, so nothing was queued. Try again in {retryAfterSeconds} s.",
        _ => $"{dependency} does not answer right now. Try again in {retryAfterSeconds} s.",
    };
}
