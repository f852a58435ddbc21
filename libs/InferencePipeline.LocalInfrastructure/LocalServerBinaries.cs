namespace InferencePipeline.LocalInfrastructure;

/// <summary>
/// Where the apt-installed RabbitMQ and Redis live, and the message for when they do not. RabbitMQ is run
/// from its library directory, not through the /usr/sbin wrapper: the wrapper switches to the rabbitmq
/// user (root only) and would start the system node, with its files, instead of a private one.
/// </summary>
public static class LocalServerBinaries
{
    public const string RabbitMqServer = "/usr/lib/rabbitmq/bin/rabbitmq-server";
    public const string RedisServerName = "redis-server";
    public const string InstallCommand = "sudo apt-get install -y --no-install-recommends rabbitmq-server redis-server";

    /// <summary>The rabbitmq-server script, or a clear error naming the install command and <paramref name="otherwise"/>.</summary>
    public static string RequireRabbitMq(string otherwise) =>
        File.Exists(RabbitMqServer) ? RabbitMqServer : throw Missing(RabbitMqServer, otherwise);

    /// <summary>redis-server from the PATH, or a clear error naming the install command and <paramref name="otherwise"/>.</summary>
    public static string RequireRedis(string otherwise) =>
        FindOnPath(RedisServerName) ?? throw Missing($"{RedisServerName} (on the PATH)", otherwise);

    private static InvalidOperationException Missing(string what, string otherwise) =>
        new($"{what} is not installed. Install the local servers with '{InstallCommand}', or {otherwise}");

    private static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, name))
            .FirstOrDefault(File.Exists);
}
