using InferencePipeline.Contracts;
using InferencePipeline.Orchestrator.Tests.StandIns;
using InferencePipeline.ServiceDefaults;
using InferencePipeline.Testing;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace InferencePipeline.Orchestrator.Tests;

/// <summary>
/// The orchestrator plus stand-in stages composed exactly as the hosts compose them (AddPipelineState,
/// AddPipelineBus): in-memory transport and repository with no connection strings, RabbitMQ and/or Redis
/// when given. Polls the status reader rather than peeking into the saga, as a client would.
/// </summary>
public sealed class PipelineTestHost : IAsyncDisposable
{
    private readonly ServiceProvider _provider;
    private readonly IBusControl _bus;

    private PipelineTestHost(ServiceProvider provider)
    {
        _provider = provider;
        _bus = provider.GetRequiredService<IBusControl>();
    }

    public IServiceProvider Services => _provider;
    public IPipelineStatusReader Status => _provider.GetRequiredService<IPipelineStatusReader>();

    public static async Task<PipelineTestHost> StartAsync(string? rabbitMq = null, string? redis = null, bool withStages = true)
    {
        var settings = new Dictionary<string, string?>();
        if (rabbitMq is not null)
            settings["ConnectionStrings:rabbitmq"] = rabbitMq;
        if (redis is not null)
            settings["ConnectionStrings:redis"] = redis;
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddLogging();
        builder.AddPipelineState();
        builder.AddPipelineBus(bus =>
        {
            bus.AddOrchestrator();
            if (withStages)
                bus.AddStandInStages();
        });

        var host = new PipelineTestHost(builder.Services.BuildServiceProvider());
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await host._bus.StartAsync(timeout.Token);
        return host;
    }

    public async Task SendAsync<T>(T command) where T : class
    {
        var endpoint = await _bus.GetSendEndpoint(QueueNames.For<T>());
        await endpoint.Send(command);
    }

    public Task PublishAsync<T>(T message) where T : class => _bus.Publish(message);

    public async Task<PipelineStatus> WaitForStateAsync(Guid pipelineId, string state, TimeSpan timeout) =>
        (await Eventually.ValueAsync(() => Status.GetAsync(pipelineId), status => status?.State == state, timeout,
            last => $"pipeline {pipelineId} did not reach {state}; last status: {last}"))!;

    public async ValueTask DisposeAsync()
    {
        await _bus.StopAsync(TimeSpan.FromSeconds(10));
        await _provider.DisposeAsync();
    }
}
