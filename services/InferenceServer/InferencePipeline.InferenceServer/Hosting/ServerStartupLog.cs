using System.Text;
using InferencePipeline.InferenceServer.Repository;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace InferencePipeline.InferenceServer.Hosting;

/// <summary>
/// Once the ports listen, logs what tritonserver prints at start: the model table (name, version, status) and the
/// addresses it listens on, so a person or a script watching the log knows the server is up and what it serves.
/// </summary>
internal sealed class ServerStartupLog(IHostApplicationLifetime lifetime, IServer server, ModelRegistry registry,
    ILogger<ServerStartupLog> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        lifetime.ApplicationStarted.Register(Write);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private void Write()
    {
        if (!logger.IsEnabled(LogLevel.Information))
        {
            return;
        }

        var table = new StringBuilder();
        var entries = registry.Index(readyOnly: false);
        table.Append("Models:");
        foreach (var entry in entries)
        {
            var state = string.IsNullOrEmpty(entry.State) ? "NOT LOADED" : entry.State;
            table.Append($"\n  {entry.Name,-24} {(entry.Version.Length == 0 ? "-" : entry.Version),-8} {state}{(entry.Reason.Length > 0 ? $" ({entry.Reason})" : "")}");
        }

        if (entries.Count == 0)
        {
            table.Append(" none");
        }

        logger.LogInformation("{Models}", table.ToString());
        var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        logger.LogInformation("Listening on {Addresses} (KServe v2 gRPC, HTTP/REST and /metrics; see --grpc-port, --http-port, --metrics-port)",
            string.Join(", ", addresses));
    }
}
