namespace InferencePipeline.LocalInfrastructure;

/// <summary>
/// A private RabbitMQ node: everything it writes (Erlang cookie, mnesia database, logs) in one directory,
/// its own node name and ports, no plugins, listening on loopback only. Two of them (an AppHost and a test
/// run, or parallel test assemblies) never share a queue, and the system node is never touched. The
/// server runs in the foreground with its log on stdout, which is what both a process supervisor and a
/// test's error message want.
/// </summary>
public sealed class RabbitMqNode
{
    /// <summary>
    /// Long profiling handlers hold their message for minutes or hours; the default 30-minute consumer
    /// timeout would close their channel and redeliver the command mid-profile. Six hours, in milliseconds.
    /// </summary>
    public const long ConsumerTimeoutMs = 6 * 60 * 60 * 1000;

    /// <summary>
    /// The largest message the broker takes: RabbitMQ's own default, 128 MiB, stated so the node does not depend on it.
    /// Well above the services' own limit (Pipeline:Messaging:MaxMessageBytes, 4 MiB by default): a message between the
    /// two reaches its queue and is moved to the queue's _error queue unread, with the reason, where the sender and an
    /// operator can see it; one refused here at publish would vanish with only the publisher's channel error.
    /// </summary>
    public const int MaxMessageBytes = 128 * 1024 * 1024;

    private RabbitMqNode(string directory, int port, IReadOnlyDictionary<string, string> environment)
    {
        Directory = directory;
        Port = port;
        Environment = environment;
    }

    public string Directory { get; }

    /// <summary>The AMQP port on 127.0.0.1.</summary>
    public int Port { get; }

    /// <summary>The variables to start <see cref="LocalServerBinaries.RabbitMqServer"/> with.</summary>
    public IReadOnlyDictionary<string, string> Environment { get; }

    /// <summary>amqp:// URI as Aspire gives it, e.g. <c>amqp://guest:guest@127.0.0.1:5690/</c>.</summary>
    public string ConnectionString => $"amqp://guest:guest@127.0.0.1:{Port}/";

    /// <summary>Creates the node's files under <paramref name="directory"/> for a node on <paramref name="port"/>.</summary>
    public static RabbitMqNode Prepare(string directory, int port, int distributionPort)
    {
        System.IO.Directory.CreateDirectory(directory);
        var home = System.IO.Directory.CreateDirectory(Path.Combine(directory, "home")).FullName;
        var mnesia = System.IO.Directory.CreateDirectory(Path.Combine(directory, "mnesia")).FullName;
        var logs = System.IO.Directory.CreateDirectory(Path.Combine(directory, "log")).FullName;
        var plugins = Path.Combine(directory, "enabled_plugins");
        File.WriteAllText(plugins, "[].\n");
        var config = Path.Combine(directory, "rabbitmq.conf");
        // guest may log in over loopback only, RabbitMQ's default, stated here because the node is reachable at 127.0.0.1 only.
        File.WriteAllText(config, $"consumer_timeout = {ConsumerTimeoutMs}\nmax_message_size = {MaxMessageBytes}\nloopback_users.guest = true\n");

        return new RabbitMqNode(directory, port, new Dictionary<string, string>
        {
            // A private HOME gives the node (and rabbitmqctl run with it) its own Erlang cookie.
            ["HOME"] = home,
            ["RABBITMQ_NODENAME"] = $"inferpipe{port}@localhost",
            ["RABBITMQ_NODE_IP_ADDRESS"] = "127.0.0.1",
            ["RABBITMQ_NODE_PORT"] = port.ToString(),
            ["RABBITMQ_DIST_PORT"] = distributionPort.ToString(),
            ["RABBITMQ_MNESIA_BASE"] = mnesia,
            ["RABBITMQ_LOG_BASE"] = logs,
            ["RABBITMQ_ENABLED_PLUGINS_FILE"] = plugins,
            ["RABBITMQ_CONFIG_FILE"] = config,
            ["RABBITMQ_LOGS"] = "-",
        });
    }
}
