using Testcontainers.Redis;

namespace InferencePipeline.Testing;

/// <summary>
/// A real Redis for one test collection: a Testcontainers container when a Docker daemon exists, otherwise
/// the apt-installed redis-server as a child process on a free port with persistence off.
/// </summary>
public sealed class RedisServer : IAsyncLifetime
{
    public const string ServerBinary = "/usr/bin/redis-server";
    private const string Image = "redis:7.0";

    private LocalServerProcess? _process;
    private RedisContainer? _container;

    /// <summary>StackExchange.Redis configuration string, e.g. <c>127.0.0.1:6390</c>.</summary>
    public string ConnectionString { get; private set; } = "";

    public async Task InitializeAsync()
    {
        if (DockerAvailability.IsAvailable)
        {
            _container = new RedisBuilder(Image).Build();
            await _container.StartAsync();
            ConnectionString = _container.GetConnectionString();
            return;
        }

        LocalServerProcess.RequireBinary(ServerBinary);
        var port = FreePort.Get();
        var directory = LocalServerProcess.NewWorkDirectory("redis");
        _process = LocalServerProcess.Start(ServerBinary,
            ["--port", port.ToString(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", directory],
            new Dictionary<string, string>(), directory, readyLine: "Ready to accept connections");
        await _process.WaitUntilReadyAsync(port, TimeSpan.FromSeconds(15));
        ConnectionString = $"127.0.0.1:{port}";
    }

    public async Task DisposeAsync()
    {
        if (_container is not null)
            await _container.DisposeAsync();
        if (_process is not null)
            await _process.DisposeAsync();
    }
}
