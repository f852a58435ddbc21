using System.Net.Sockets;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace InferencePipeline.AppHost.Infrastructure;

/// <summary>
/// Healthy when the server on the port answers its protocol's greeting, not merely when the process
/// started: an executable resource without a check counts as ready at once, and RabbitMQ then refuses
/// connections for seconds. AMQP: send the protocol header, expect a method frame (type 1). Redis: PING.
/// </summary>
public sealed class ProtocolHealthCheck(int port, byte[] greeting, Func<byte[], int, bool> answerIsGood) : IHealthCheck
{
    public static ProtocolHealthCheck Amqp(int port) =>
        new(port, "AMQP\0\0\u0009\u0001"u8.ToArray(), (buffer, read) => read > 0 && buffer[0] == 1);

    public static ProtocolHealthCheck Redis(int port) =>
        new(port, "PING\r\n"u8.ToArray(), (buffer, read) => read >= 5 && buffer.AsSpan(0, 5).SequenceEqual("+PONG"u8));

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(2));
            using var client = new TcpClient();
            await client.ConnectAsync("127.0.0.1", port, timeout.Token);
            var stream = client.GetStream();
            await stream.WriteAsync(greeting, timeout.Token);
            var buffer = new byte[16];
            var read = await stream.ReadAsync(buffer, timeout.Token);
            return answerIsGood(buffer, read)
                ? HealthCheckResult.Healthy()
                : HealthCheckResult.Unhealthy($"port {port} answered, but not with the expected greeting");
        }
        catch (Exception ex) when (ex is SocketException or IOException or OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy($"port {port}: {ex.Message}");
        }
    }
}
