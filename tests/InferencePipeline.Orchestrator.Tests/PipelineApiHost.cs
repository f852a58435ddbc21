using InferencePipeline.Orchestrator.Tests.StandIns;
using InferencePipeline.ServiceDefaults;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace InferencePipeline.Orchestrator.Tests;

/// <summary>
/// The orchestrator host's composition (service defaults, bus, saga, API) on a real Kestrel bound to
/// 127.0.0.1:0, in demo mode (in-memory transport and state), with stand-in stages behind it.
/// </summary>
public sealed class PipelineApiHost : IAsyncLifetime
{
    private WebApplication _app = null!;

    public HttpClient Client { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.AddServiceDefaults();
        builder.AddPipelineState();
        builder.AddPipelineBus(bus => bus.AddOrchestrator().AddStandInStages());

        _app = builder.Build();
        _app.MapPipelineApi();
        _app.MapDefaultEndpoints();
        await _app.StartAsync();

        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        Client = new HttpClient { BaseAddress = new Uri(address), Timeout = TimeSpan.FromSeconds(30) };
    }

    public async Task DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
