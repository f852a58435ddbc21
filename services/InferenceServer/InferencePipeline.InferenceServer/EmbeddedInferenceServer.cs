using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace InferencePipeline.InferenceServer;

/// <summary>
/// The inference server inside the caller's process: Kestrel on 127.0.0.1 with the gRPC port (HTTP/2
/// cleartext, what Triton's clients and our LoadGen speak) and an HTTP/1.1 port for the REST endpoints.
/// Used by the CLI demo, the profiler, the deployer and the tests.
/// </summary>
public sealed class EmbeddedInferenceServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private EmbeddedInferenceServer(WebApplication app, Uri grpcAddress, Uri httpAddress)
    {
        _app = app;
        GrpcAddress = grpcAddress;
        HttpAddress = httpAddress;
    }

    /// <summary>Address for a gRPC channel, e.g. http://127.0.0.1:41234.</summary>
    public Uri GrpcAddress { get; }

    /// <summary>Address of the HTTP/REST v2 endpoints (/v2/health/ready, /v2/models/{name}...).</summary>
    public Uri HttpAddress { get; }

    public IServiceProvider Services => _app.Services;

    /// <summary>Starts the server and returns once the start-up models are loaded and the ports listen.</summary>
    /// <param name="port">gRPC port; 0 picks a free one.</param>
    public static async Task<EmbeddedInferenceServer> StartAsync(InferenceServerOptions options, int port = 0,
        CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, port, listen => listen.Protocols = HttpProtocols.Http2);
            kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http1);
        });
        builder.Services.AddInferenceServer(o =>
        {
            o.ModelRepository = options.ModelRepository;
            o.ControlMode = options.ControlMode;
            o.LoadModels = options.LoadModels.ToList();
            o.MaxRequestBytes = options.MaxRequestBytes;
            o.MaxQueueSize = options.MaxQueueSize;
            o.MaxInFlightBytes = options.MaxInFlightBytes;
            o.ExitOnError = options.ExitOnError;
            o.RepositoryPollInterval = options.RepositoryPollInterval;
        });

        var app = builder.Build();
        app.MapInferenceServer();
        try
        {
            await app.StartAsync(ct).ConfigureAwait(false);
        }
        catch
        {
            await app.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        // Kestrel binds endpoints in the order they were configured: gRPC first, REST second.
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!
            .Addresses.Select(a => new Uri(a)).ToArray();
        return new EmbeddedInferenceServer(app, addresses[0], addresses[1]);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }
}
