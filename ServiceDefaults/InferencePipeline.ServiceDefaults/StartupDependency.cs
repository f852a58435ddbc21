using System.Net.Sockets;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace InferencePipeline.ServiceDefaults;

/// <summary>
/// Holds a service's start until a server it needs (RabbitMQ, Redis) answers its probe, retrying with exponential
/// backoff and saying so in the log at each try. A server that has not answered after
/// <see cref="TimeoutKey"/> (default <see cref="DefaultTimeout"/>) fails the start with one line naming its address and
/// the connection string that points at it. Registered ahead of the clients that use the server, so they start against
/// a server that is there; once running, losing it again is the clients' to handle (MassTransit and
/// StackExchange.Redis reconnect by themselves).
/// </summary>
/// <param name="endpoint">Resolved when the service starts, so a malformed connection string fails the start with its
/// own message rather than the host's construction with a stack trace.</param>
/// <param name="probe">Null when the server answers as the service needs it, else what went wrong, in words; by default
/// (null) a TCP connection is enough.</param>
internal sealed class StartupDependency(string name, string connectionName, Func<(string Host, int Port)> endpoint,
    IConfiguration configuration, ILogger<StartupDependency> logger, TimeProvider time,
    Func<string, int, CancellationToken, Task<string?>>? probe = null) : IHostedService
{
    public const string TimeoutKey = "Pipeline:Startup:DependencyTimeout";
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(60);

    private static readonly TimeSpan FirstDelay = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan LongestDelay = TimeSpan.FromSeconds(8);
    /// <summary>How long one try may take.</summary>
    public static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(5);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var (host, port) = endpoint();
        var timeout = configuration.GetValue(TimeoutKey, DefaultTimeout);
        var setting = $"ConnectionStrings:{connectionName}";
        var started = time.GetTimestamp();
        var delay = FirstDelay;
        for (var attempt = 1; ; attempt++)
        {
            var problem = await (probe ?? ConnectAsync)(host, port, cancellationToken).ConfigureAwait(false);
            var waited = time.GetElapsedTime(started);
            if (problem is null)
            {
                if (attempt > 1)
                {
                    logger.LogInformation("{Server} at {Host}:{Port} is reachable after {Seconds:0.#} s; starting", name, host, port, waited.TotalSeconds);
                }
                return;
            }
            if (waited + delay > timeout)
            {
                throw new StartupFaultException(
                    $"{name} at {host}:{port} could not be used after {attempt} tries in {waited.TotalSeconds:0} s ({problem}): start {name} " +
                    $"there, or correct {setting} ({TimeoutKey} sets how long a start waits, now {timeout.TotalSeconds:0} s)");
            }
            logger.LogWarning("{Server} at {Host}:{Port} ({Setting}) is not ready yet ({Problem}); retry {Attempt} in {Delay:0.#} s, " +
                "giving up after {Timeout:0} s ({TimeoutKey})", name, host, port, setting, problem, attempt, delay.TotalSeconds,
                timeout.TotalSeconds, TimeoutKey);
            await Task.Delay(delay, time, cancellationToken).ConfigureAwait(false);
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, LongestDelay.Ticks));
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Null when the server accepts a TCP connection, else what went wrong, in words.</summary>
    public static async Task<string?> ConnectAsync(string host, int port, CancellationToken cancellationToken)
    {
        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        attempt.CancelAfter(ConnectTimeout);
        using var client = new TcpClient();
        try
        {
            await client.ConnectAsync(host, port, attempt.Token).ConfigureAwait(false);
            return null;
        }
        catch (SocketException e)
        {
            return e.SocketErrorCode switch
            {
                SocketError.ConnectionRefused => "connection refused",
                SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain => $"host '{host}' not found",
                SocketError.TimedOut => "connection timed out",
                _ => e.Message,
            };
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return $"no answer within {ConnectTimeout.TotalSeconds:0} s";
        }
    }
}
