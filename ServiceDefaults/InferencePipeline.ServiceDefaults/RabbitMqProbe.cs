using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace InferencePipeline.ServiceDefaults;

/// <summary>
/// Whether RabbitMQ lets this service in: an AMQP connection with the service's own address, user, password and virtual
/// host, so a wrong password or virtual host is named at start instead of surfacing as MassTransit's endless
/// "Broker unreachable" retries.
/// </summary>
internal static class RabbitMqProbe
{
    /// <summary>Null when a connection opens, else why it did not, in words.</summary>
    public static async Task<string?> ConnectAsync(RabbitMqAddress address, CancellationToken cancellationToken)
    {
        var factory = new ConnectionFactory
        {
            HostName = address.Host,
            Port = address.Port,
            VirtualHost = address.VirtualHost,
            UserName = address.Username,
            Password = address.Password,
            RequestedConnectionTimeout = StartupDependency.ConnectTimeout,
            AutomaticRecoveryEnabled = false,
            ClientProvidedName = "startup probe",
        };
        try
        {
            await using var connection = await factory.CreateConnectionAsync(cancellationToken).ConfigureAwait(false);
            // The broker may refuse the virtual host only after the connection seems open: a channel is what shows it.
            await using (await connection.CreateChannelAsync(cancellationToken: cancellationToken).ConfigureAwait(false))
            {
            }
            await connection.CloseAsync(cancellationToken).ConfigureAwait(false);
            return null;
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            // Whatever kept the connection from opening is the reason the start waits (and, in the end, fails).
            return Reason(e, address);
        }
    }

    private static string Reason(Exception error, RabbitMqAddress address)
    {
        for (var e = error; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case AuthenticationFailureException:
                    return $"login refused for user '{address.Username}': wrong user or password";
                case { Message: var message } when message.Contains("vhost", StringComparison.OrdinalIgnoreCase):
                    return $"virtual host '{address.VirtualHost}' does not exist or user '{address.Username}' may not use it";
                case System.Net.Sockets.SocketException socket when socket.SocketErrorCode == System.Net.Sockets.SocketError.ConnectionRefused:
                    return "connection refused";
            }
        }
        var innermost = error;
        while (innermost.InnerException is not null)
        {
            innermost = innermost.InnerException;
        }
        return innermost.Message;
    }
}
