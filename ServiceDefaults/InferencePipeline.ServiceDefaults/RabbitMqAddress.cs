namespace InferencePipeline.ServiceDefaults;

/// <summary>
/// The parts of an amqp:// connection string as Aspire writes it (amqp://user:password@host:port/vhost).
/// Parsed here rather than handing the URI to MassTransit so a missing part gets RabbitMQ's default
/// and a malformed string fails with a message naming it.
/// </summary>
public sealed record RabbitMqAddress(string Host, ushort Port, string VirtualHost, string Username, string Password)
{
    public static RabbitMqAddress Parse(string connectionString)
    {
        if (!Uri.TryCreate(connectionString, UriKind.Absolute, out var uri) ||
            (uri.Scheme != "amqp" && uri.Scheme != "amqps" && uri.Scheme != "rabbitmq"))
        {
            throw new FormatException(
                $"Connection string 'rabbitmq' must be an amqp:// URI such as amqp://guest:guest@localhost:5672/, got '{connectionString}'.");
        }

        var userInfo = uri.UserInfo.Split(':', 2);
        var username = userInfo[0].Length > 0 ? Uri.UnescapeDataString(userInfo[0]) : "guest";
        var password = userInfo.Length > 1 ? Uri.UnescapeDataString(userInfo[1]) : "guest";
        var port = uri.IsDefaultPort || uri.Port <= 0 ? (ushort)5672 : (ushort)uri.Port;
        var path = Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/'));
        return new RabbitMqAddress(uri.Host, port, path.Length == 0 ? "/" : path, username, password);
    }
}
