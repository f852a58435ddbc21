using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace InferencePipeline.ServiceDefaults;

/// <summary>
/// Holds back the host's own error log while the service starts: a failed start is logged there with its whole stack
/// trace, and the host (<see cref="ServiceRunExtensions.RunServiceAsync"/>) reports it as one line instead. Once the
/// application has started, the host logs as it always does (a failing background service included).
/// </summary>
internal sealed class StartupLogGate
{
    private const string HostCategory = "Microsoft.Extensions.Hosting.Internal.Host";
    private volatile bool _started;

    public bool Allows(string? category, LogLevel level) => _started || level < LogLevel.Error || category != HostCategory;

    /// <summary>Opens the gate when the application has started.</summary>
    public sealed class Opener(StartupLogGate gate, IHostApplicationLifetime lifetime) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            lifetime.ApplicationStarted.Register(() => gate._started = true);
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
