using InferencePipeline.Orchestrator;
using InferencePipeline.ServiceDefaults;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace InferencePipeline.EndToEndTests;

/// <summary>
/// The orchestrator's host as it runs in the AppHost (service defaults, state, bus, saga, HTTP API with its key) on a
/// real Kestrel at 127.0.0.1, for the CLI's remote commands to talk to.
/// </summary>
public sealed class OrchestratorApi : IAsyncDisposable
{
    public const string ApiKey = "e2e-orchestrator-key-0123456789";

    private readonly WebApplication _app;

    private OrchestratorApi(WebApplication app, string address)
    {
        _app = app;
        Address = address;
    }

    public string Address { get; }

    /// <param name="settings">The host's configuration: connection strings (none: in-memory bus and state), artifact root, allowed model roots.</param>
    public static async Task<OrchestratorApi> StartAsync(IReadOnlyDictionary<string, string?> settings)
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        foreach (var (key, value) in settings)
            builder.Configuration[key] = value;
        builder.Configuration["Pipeline:Api:Key"] = ApiKey;
        builder.AddServiceDefaults();
        builder.AddPipelineState();
        builder.AddPipelineBus(bus => bus.AddOrchestrator());
        builder.AddPipelineApi();
        var app = builder.Build();
        app.MapPipelineApi();
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return new OrchestratorApi(app, address);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
