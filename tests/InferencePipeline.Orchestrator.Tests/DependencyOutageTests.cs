using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using InferencePipeline.LocalInfrastructure;
using InferencePipeline.ServiceDefaults;
using InferencePipeline.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace InferencePipeline.Orchestrator.Tests;

/// <summary>
/// The API while Redis or RabbitMQ is down: a 503 problem body with Retry-After that names the dependency,
/// never the client library's exception text. Real servers: a private Redis and a private RabbitMQ, each stopped after
/// the orchestrator has connected to it.
/// </summary>
public sealed class DependencyOutageTests
{
    private const string ApiKey = "outage-test-key-0123456789";

    [Fact]
    public async Task Reads_during_a_redis_outage_are_a_503_naming_redis_with_retry_after()
    {
        // Started against a running Redis (a service waits for its servers at start), which then goes away.
        var redis = new RedisServer();
        await redis.InitializeAsync();
        try
        {
            await using var app = await StartAsync(redis: redis.ConnectionString + ",connectTimeout=500", rabbitMq: null);
            using var client = ClientFor(app);
            await redis.DisposeAsync();

            using var get = await client.GetAsync($"/pipelines/{Guid.NewGuid()}");
            await AssertOutageAsync(get, "Redis");

            using var list = await client.GetAsync("/pipelines");
            await AssertOutageAsync(list, "Redis");
        }
        finally
        {
            await redis.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_start_during_a_rabbitmq_outage_is_a_503_naming_rabbitmq_within_the_broker_timeout()
    {
        var broker = new RabbitMqServer();
        await broker.InitializeAsync();
        var models = Directory.CreateTempSubdirectory("inferpipe-outage-models-").FullName;
        try
        {
            await using var app = await StartAsync(redis: null, rabbitMq: broker.ConnectionString, ("Pipeline:Models:AllowedRoots:0", models));
            using var client = ClientFor(app);
            await broker.DisposeAsync();

            var body = JsonSerializer.Serialize(new { modelUri = Path.Combine(models, "m.onnx"), modelName = "m" });
            using var start = await client.PostAsync("/pipelines", new StringContent(body, Encoding.UTF8, "application/json"));
            await AssertOutageAsync(start, "RabbitMQ");
        }
        finally
        {
            await broker.DisposeAsync();
            Directory.Delete(models, recursive: true);
        }
    }

    private static async Task AssertOutageAsync(HttpResponseMessage response, string dependency)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.ServiceUnavailable, $"{(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.True(response.Headers.RetryAfter?.Delta > TimeSpan.Zero, "no Retry-After header");
        var problem = JsonDocument.Parse(body).RootElement;
        Assert.Equal($"{dependency} is unavailable", problem.GetProperty("title").GetString());
        Assert.Equal(503, problem.GetProperty("status").GetInt32());
        // The client library's own words (types, hosts, ports) stay in the log.
        Assert.DoesNotContain("Exception", body);
        Assert.DoesNotContain("127.0.0.1", body);
    }

    private static HttpClient ClientFor(WebApplication app)
    {
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        var client = new HttpClient { BaseAddress = new Uri(address), Timeout = TimeSpan.FromSeconds(60) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ApiKey);
        return client;
    }

    private static async Task<WebApplication> StartAsync(string? redis, string? rabbitMq, params (string Key, string Value)[] settings)
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.SetMinimumLevel(LogLevel.Critical);
        builder.Configuration["Pipeline:Api:Key"] = ApiKey;
        builder.Configuration["Pipeline:Api:BrokerTimeout"] = "00:00:02";
        builder.Configuration["ConnectionStrings:redis"] = redis;
        builder.Configuration["ConnectionStrings:rabbitmq"] = rabbitMq;
        foreach (var (key, value) in settings)
            builder.Configuration[key] = value;
        builder.AddServiceDefaults();
        builder.AddPipelineState();
        builder.AddPipelineBus(bus => bus.AddOrchestrator());
        builder.AddPipelineApi();
        var app = builder.Build();
        app.MapPipelineApi();
        await app.StartAsync();
        return app;
    }
}
