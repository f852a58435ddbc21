using InferencePipeline.ServiceDefaults;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace InferencePipeline.EndToEndTests;

/// <summary>
/// One service as the AppHost runs it — its own host, its own bus connection to RabbitMQ, its own Redis
/// connection if it keeps state — but inside the test process, so a test can stop one mid-pipeline and start another.
/// </summary>
public sealed class ServiceProcess : IAsyncDisposable
{
    private readonly IHost _host;

    private ServiceProcess(string name, IHost host)
    {
        Name = name;
        _host = host;
    }

    public string Name { get; }

    public IServiceProvider Services => _host.Services;

    /// <param name="keepsState">Whether the service keeps state in Redis (orchestrator, profiler), as its host says.</param>
    public static async Task<ServiceProcess> StartAsync(string name, IReadOnlyDictionary<string, string?> settings,
        Action<IBusRegistrationConfigurator> register, bool keepsState)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(40));
        if (keepsState)
        {
            builder.AddPipelineState();
        }
        builder.AddPipelineBus(register);
        var host = builder.Build();
        await host.StartAsync();
        return new ServiceProcess(name, host);
    }

    /// <summary>Stops the service the way a deployment stops a pod: consumers are cancelled, unacked messages go back to the queue.</summary>
    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }
}
