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
    /// <summary>The key the host is configured with; <see cref="Client"/> sends it, <see cref="Anonymous"/> does not.</summary>
    public const string ApiKey = "test-api-key-0123456789abcdef";

    /// <summary>The upload limit the host is configured with: small, so a test can go past it.</summary>
    public const long MaxUploadBytes = 256 * 1024;

    /// <summary>The input-data upload limit the host is configured with: small, so a test can go past it.</summary>
    public const long MaxInputDataBytes = 64 * 1024;

    private WebApplication _app = null!;

    /// <summary>The artifact store's root (uploads land under models/ and input-data/).</summary>
    public string ArtifactsRoot { get; } = Directory.CreateTempSubdirectory("inferpipe-api-artifacts-").FullName;

    /// <summary>The one allowed model root.</summary>
    public string ModelsRoot { get; } = Directory.CreateTempSubdirectory("inferpipe-api-models-").FullName;

    /// <summary>A path under the allowed root (the file need not exist: the stand-in converter reads nothing).</summary>
    public string ModelUri(string fileName) => Path.Combine(ModelsRoot, fileName);

    public HttpClient Client { get; private set; } = null!;

    public HttpClient Anonymous { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Configuration["Pipeline:Api:Key"] = ApiKey;
        builder.Configuration["Pipeline:Artifacts:Root"] = ArtifactsRoot;
        builder.Configuration["Pipeline:Models:AllowedRoots:0"] = ModelsRoot;
        builder.Configuration["Pipeline:Models:MaxUploadBytes"] = MaxUploadBytes.ToString();
        builder.Configuration["Pipeline:Models:MaxInputDataBytes"] = MaxInputDataBytes.ToString();
        builder.AddServiceDefaults();
        builder.AddPipelineState();
        builder.AddPipelineBus(bus => bus.AddOrchestrator().AddStandInStages());
        builder.AddPipelineApi();

        _app = builder.Build();
        _app.MapPipelineApi();
        _app.MapDefaultEndpoints();
        await _app.StartAsync();

        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        Client = new HttpClient { BaseAddress = new Uri(address), Timeout = TimeSpan.FromSeconds(30) };
        Client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", ApiKey);
        Anonymous = new HttpClient { BaseAddress = new Uri(address), Timeout = TimeSpan.FromSeconds(30) };
    }

    public async Task DisposeAsync()
    {
        Client.Dispose();
        Anonymous.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        Directory.Delete(ArtifactsRoot, recursive: true);
        Directory.Delete(ModelsRoot, recursive: true);
    }
}
