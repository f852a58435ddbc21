using InferencePipeline.LocalInfrastructure;
using Testcontainers.Redis;

namespace InferencePipeline.Testing;

/// <summary>
/// A real Redis for one test collection: a Testcontainers container when a Docker daemon exists, otherwise
/// the apt-installed redis-server as a private node (<see cref="RedisNode"/>, as the AppHost runs it) in a temp directory.
/// </summary>
public sealed class RedisServer : IAsyncLifetime
{
    private const string Image = "redis:7.0";

    private LocalServerProcess? _process;
    private RedisContainer? _container;

    /// <summary>StackExchange.Redis configuration string, e.g. <c>127.0.0.1:6390</c>.</summary>
    public string ConnectionString { get; private set; } = "";

    public async Task InitializeAsync()
    {
        if (DockerDaemon.IsAvailable())
        {
            _container = new RedisBuilder(Image).Build();
            await _container.StartAsync();
            ConnectionString = _container.GetConnectionString();
            return;
        }

        var server = LocalServerBinaries.RequireRedis(LocalServerProcess.Otherwise);
        var node = RedisNode.Prepare(LocalServerProcess.NewWorkDirectory("redis"), FreePort.Get());
        _process = LocalServerProcess.Start(server, node.Arguments, new Dictionary<string, string>(), node.Directory);
        await _process.WaitUntilReadyAsync(ProtocolProbe.Redis, node.Port, TimeSpan.FromSeconds(15));
        ConnectionString = node.ConnectionString;
    }

    public async Task DisposeAsync()
    {
        if (_container is not null)
            await _container.DisposeAsync();
        if (_process is not null)
            await _process.DisposeAsync();
    }
}
