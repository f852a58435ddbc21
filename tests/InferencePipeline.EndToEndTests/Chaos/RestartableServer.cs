using InferencePipeline.LocalInfrastructure;
using InferencePipeline.Testing;

namespace InferencePipeline.EndToEndTests.Chaos;

/// <summary>
/// RabbitMQ or Redis as a private node that a test can SIGKILL and start again on the same port and data directory,
/// as an operator restarts a crashed broker: durable queues and persistent messages (RabbitMQ) and the append-only file
/// (Redis) are what carries the pipeline over.
/// </summary>
public sealed class RestartableServer : IAsyncDisposable
{
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(120);

    private readonly string _binary;
    private readonly IReadOnlyList<string> _arguments;
    private readonly IReadOnlyDictionary<string, string> _environment;
    private readonly string _directory;
    private readonly ProtocolProbe _probe;
    private LocalServerProcess? _process;

    private RestartableServer(string name, string binary, IReadOnlyList<string> arguments, IReadOnlyDictionary<string, string> environment,
        string directory, ProtocolProbe probe, int port, string connectionString)
    {
        Name = name;
        _binary = binary;
        _arguments = arguments;
        _environment = environment;
        _directory = directory;
        _probe = probe;
        Port = port;
        ConnectionString = connectionString;
    }

    public string Name { get; }

    public int Port { get; }

    public string ConnectionString { get; }

    public static RestartableServer RabbitMq()
    {
        var node = RabbitMqNode.Prepare(LocalServerProcess.NewWorkDirectory("chaos-rabbitmq"), FreePort.Get(), FreePort.Get());
        return new RestartableServer("RabbitMQ", LocalServerBinaries.RequireRabbitMq(LocalServerProcess.Otherwise), [], node.Environment,
            node.Directory, ProtocolProbe.Amqp, node.Port, node.ConnectionString);
    }

    public static RestartableServer Redis()
    {
        var node = RedisNode.Prepare(LocalServerProcess.NewWorkDirectory("chaos-redis"), FreePort.Get());
        return new RestartableServer("Redis", LocalServerBinaries.RequireRedis(LocalServerProcess.Otherwise), node.Arguments,
            new Dictionary<string, string>(), node.Directory, ProtocolProbe.Redis, node.Port, node.ConnectionString);
    }

    /// <summary>Starts the server on its port and directory and waits until it answers its protocol.</summary>
    public async Task StartAsync()
    {
        if (_process is not null)
        {
            throw new InvalidOperationException($"{Name} is already running");
        }

        _process = LocalServerProcess.Start(_binary, _arguments, _environment, _directory);
        await _process.WaitUntilReadyAsync(_probe, Port, ReadyTimeout);
    }

    /// <summary>SIGKILL: no shutdown, nothing flushed beyond what the server had already written.</summary>
    public async Task KillAsync()
    {
        var process = _process ?? throw new InvalidOperationException($"{Name} is not running");
        _process = null;
        await process.KillAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is not null)
        {
            // Kills the server and deletes its directory.
            await _process.DisposeAsync();
        }
        else
        {
            Directory.Delete(_directory, recursive: true);
        }
    }
}
