using InferencePipeline.ServiceDefaults;
using InferencePipeline.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using StackExchange.Redis;

namespace InferencePipeline.Orchestrator.Tests;

/// <summary>AddPipelineState: Redis (Aspire's client, with its health check) when configured, memory otherwise, and only before the bus.</summary>
[Collection(PipelineServers.Collection)]
public sealed class PipelineStateRegistrationTests(PipelineServers servers)
{
    [Fact]
    public async Task With_a_redis_connection_string_the_orchestrator_keeps_its_state_in_redis_and_health_waits_for_it()
    {
        var builder = NewBuilder(servers.Redis.ConnectionString);
        builder.AddPipelineState();
        builder.AddPipelineBus(bus => bus.AddOrchestrator());
        await using var services = builder.Services.BuildServiceProvider();

        Assert.IsType<RedisPipelineStatusReader>(services.GetRequiredService<IPipelineStatusReader>());
        Assert.True(await services.GetRequiredService<IConnectionMultiplexer>().GetDatabase().PingAsync() >= TimeSpan.Zero);
        var health = await services.GetRequiredService<HealthCheckService>().CheckHealthAsync();
        Assert.Contains(health.Entries, e => e.Key.Contains("redis", StringComparison.OrdinalIgnoreCase) && e.Value.Status == HealthStatus.Healthy);
    }

    [Fact]
    public async Task Without_one_nothing_is_registered_and_the_state_stays_in_memory()
    {
        var builder = NewBuilder(redis: null);
        builder.AddPipelineState();
        builder.AddPipelineBus(bus => bus.AddOrchestrator());
        await using var services = builder.Services.BuildServiceProvider();

        Assert.Null(services.GetService<IConnectionMultiplexer>());
        Assert.IsType<InMemoryPipelineStatusReader>(services.GetRequiredService<IPipelineStatusReader>());
    }

    [Fact]
    public void Adding_state_after_the_bus_fails_with_the_order_to_use()
    {
        var builder = NewBuilder(servers.Redis.ConnectionString);
        builder.AddPipelineBus(bus => bus.AddOrchestrator());

        var error = Assert.Throws<InvalidOperationException>(() => builder.AddPipelineState());
        Assert.Contains("Call AddPipelineState first", error.Message);
    }

    private static HostApplicationBuilder NewBuilder(string? redis)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["ConnectionStrings:redis"] = redis });
        builder.Services.AddLogging();
        return builder;
    }
}
