using System.Net.Sockets;

namespace InferencePipeline.LocalInfrastructure;

/// <summary>
/// Whether a server is ready: it answers its protocol's greeting, not merely that its process started or its
/// port accepts connections. RabbitMQ accepts TCP and still refuses clients for seconds while it boots.
/// AMQP: send the protocol header, expect a method frame (frame type 1). Redis: PING, expect +PONG.
/// </summary>
public sealed class ProtocolProbe
{
    private static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan RetryInterval = TimeSpan.FromMilliseconds(50);

    private readonly byte[] _greeting;
    private readonly Func<byte[], int, bool> _answerIsGood;

    private ProtocolProbe(string protocol, byte[] greeting, Func<byte[], int, bool> answerIsGood)
    {
        Protocol = protocol;
        _greeting = greeting;
        _answerIsGood = answerIsGood;
    }

    public static ProtocolProbe Amqp { get; } =
        new("AMQP", "AMQP\0\0\u0009\u0001"u8.ToArray(), (buffer, read) => read > 0 && buffer[0] == 1);

    public static ProtocolProbe Redis { get; } =
        new("Redis", "PING\r\n"u8.ToArray(), (buffer, read) => read >= 5 && buffer.AsSpan(0, 5).SequenceEqual("+PONG"u8));

    public string Protocol { get; }

    /// <summary>One attempt against 127.0.0.1:<paramref name="port"/>, at most two seconds.</summary>
    public async Task<ProbeResult> CheckAsync(int port, CancellationToken cancellationToken = default)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(AttemptTimeout);
            using var client = new TcpClient();
            await client.ConnectAsync("127.0.0.1", port, timeout.Token);
            var stream = client.GetStream();
            await stream.WriteAsync(_greeting, timeout.Token);
            var buffer = new byte[16];
            var read = await stream.ReadAsync(buffer, timeout.Token);
            return _answerIsGood(buffer, read)
                ? new ProbeResult(true, $"{Protocol} answers on port {port}")
                : new ProbeResult(false, $"port {port} answered, but not with the {Protocol} greeting");
        }
        catch (Exception ex) when (ex is SocketException or IOException ||
                                   (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return new ProbeResult(false, $"port {port}: {ex.Message}");
        }
    }

    /// <summary>
    /// Probes until the server answers. Gives up with a <see cref="TimeoutException"/> after <paramref name="timeout"/>,
    /// or as soon as <paramref name="exited"/> ends: the server's process is gone, and its task's exception (with the
    /// server's output, say) says more than a timeout would.
    /// </summary>
    public async Task WaitUntilReadyAsync(int port, TimeSpan timeout, Task exited, CancellationToken cancellationToken = default)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        var last = new ProbeResult(false, "not probed yet");
        try
        {
            while (true)
            {
                if (exited.IsCompleted)
                {
                    await exited;
                    throw new InvalidOperationException($"The {Protocol} server exited before it was ready on port {port}.");
                }

                last = await CheckAsync(port, deadline.Token);
                if (last.Ready)
                {
                    return;
                }

                await Task.WhenAny(exited, Task.Delay(RetryInterval, deadline.Token));
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"{Protocol} was not ready within {timeout.TotalSeconds:F0} s: {last.Detail}");
        }
    }
}
