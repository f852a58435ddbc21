using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using InferencePipeline.Cloud.AzureMl;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace InferencePipeline.Cloud.Tests.FakeAzure;

/// <summary>
/// A local HTTPS server that answers as Azure does for one Azure ML workspace: Resource Manager
/// (management.azure.com), the workspace's blob storage and the endpoints' scoring hosts. Clients made by
/// <see cref="CreateClient"/> connect every host name to it over TLS with a certificate made for this run, so the
/// code under test sends its real URLs. What it checks and how it answers is in <see cref="FakeAzureMl"/>.
/// </summary>
public sealed class FakeAzureServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly X509Certificate2 _certificate;

    private FakeAzureServer(WebApplication app, X509Certificate2 certificate, FakeAzureMl azure)
    {
        _app = app;
        _certificate = certificate;
        Azure = azure;
    }

    public FakeAzureMl Azure { get; }

    public int Port { get; private set; }

    public static async Task<FakeAzureServer> StartAsync()
    {
        var certificate = SelfSignedCertificate.Create(
            ["management.azure.com", $"{FakeAzureMl.StorageAccount}.blob.core.windows.net", $"*.{FakeAzureMl.Location}.inference.ml.azure.com"]);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen => listen.UseHttps(certificate)));
        var azure = new FakeAzureMl();
        var app = builder.Build();
        app.Run(azure.HandleAsync);
        await app.StartAsync();
        var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        return new FakeAzureServer(app, certificate, azure) { Port = address.Port };
    }

    /// <summary>An HttpClient whose every connection, whatever the host, reaches this server, trusting only its certificate.</summary>
    public HttpClient CreateClient()
    {
        var thumbprint = _certificate.GetCertHashString();
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (_, ct) =>
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                await socket.ConnectAsync(IPAddress.Loopback, Port, ct);
                return new NetworkStream(socket, ownsSocket: true);
            },
            SslOptions = { RemoteCertificateValidationCallback = (_, certificate, _, _) => certificate?.GetCertHashString() == thumbprint },
        };
        return new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(60) };
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        await Azure.DisposeAsync();
        _certificate.Dispose();
    }
}
