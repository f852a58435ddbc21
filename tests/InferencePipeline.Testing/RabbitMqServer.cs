using Testcontainers.RabbitMq;

namespace InferencePipeline.Testing;

/// <summary>
/// A real RabbitMQ for one test collection: a Testcontainers container when a Docker daemon exists, otherwise
/// the apt-installed broker in the foreground, isolated in a temp directory (own HOME, node name, ports,
/// mnesia, no plugins) as FACTS.md describes. Starting it costs ~5 s, so share one per test assembly.
/// </summary>
public sealed class RabbitMqServer : IAsyncLifetime
{
    public const string ServerBinary = "/usr/lib/rabbitmq/bin/rabbitmq-server";
    private const string Image = "rabbitmq:3.13";

    private LocalServerProcess? _process;
    private RabbitMqContainer? _container;

    /// <summary>amqp:// URI as Aspire gives it, e.g. <c>amqp://guest:guest@127.0.0.1:5690/</c>.</summary>
    public string ConnectionString { get; private set; } = "";

    public async Task InitializeAsync()
    {
        if (DockerAvailability.IsAvailable)
        {
            _container = new RabbitMqBuilder(Image).Build();
            await _container.StartAsync();
            ConnectionString = _container.GetConnectionString();
            return;
        }

        LocalServerProcess.RequireBinary(ServerBinary);
        var port = FreePort.Get();
        var directory = LocalServerProcess.NewWorkDirectory("rabbitmq");
        var environment = PrepareNodeDirectory(directory, port);

        // The broker logs to stdout (RABBITMQ_LOGS=-); this line comes once it accepts clients. Polling with
        // `rabbitmqctl await_startup` works too but re-checks only every 10 s.
        _process = LocalServerProcess.Start(ServerBinary, [], environment, directory, readyLine: "Server startup complete");
        await _process.WaitUntilReadyAsync(port, TimeSpan.FromSeconds(60));
        ConnectionString = $"amqp://guest:guest@127.0.0.1:{port}/";
    }

    private static Dictionary<string, string> PrepareNodeDirectory(string directory, int port)
    {
        var home = Directory.CreateDirectory(Path.Combine(directory, "home")).FullName;
        var mnesia = Directory.CreateDirectory(Path.Combine(directory, "mnesia")).FullName;
        var logs = Directory.CreateDirectory(Path.Combine(directory, "log")).FullName;
        var plugins = Path.Combine(directory, "enabled_plugins");
        File.WriteAllText(plugins, "[].");
        var config = Path.Combine(directory, "rabbitmq.conf");
        File.WriteAllText(config, "loopback_users.guest = true\n");

        return new Dictionary<string, string>
        {
            // A private HOME gives the node (and rabbitmqctl) its own Erlang cookie.
            ["HOME"] = home,
            ["RABBITMQ_NODENAME"] = $"inferpipe{port}@localhost",
            ["RABBITMQ_NODE_IP_ADDRESS"] = "127.0.0.1",
            ["RABBITMQ_NODE_PORT"] = port.ToString(),
            ["RABBITMQ_DIST_PORT"] = FreePort.Get().ToString(),
            ["RABBITMQ_MNESIA_BASE"] = mnesia,
            ["RABBITMQ_LOG_BASE"] = logs,
            ["RABBITMQ_ENABLED_PLUGINS_FILE"] = plugins,
            ["RABBITMQ_CONFIG_FILE"] = config,
            ["RABBITMQ_LOGS"] = "-",
        };
    }

    public async Task DisposeAsync()
    {
        if (_container is not null)
            await _container.DisposeAsync();
        if (_process is not null)
            await _process.DisposeAsync();
    }
}
