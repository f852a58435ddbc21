using InferencePipeline.LocalInfrastructure;
using Testcontainers.RabbitMq;

namespace InferencePipeline.Testing;

/// <summary>
/// A real RabbitMQ for one test collection: a Testcontainers container when a Docker daemon exists, otherwise
/// the apt-installed broker as a private node (<see cref="RabbitMqNode"/>, the layout the AppHost runs too) in a
/// temp directory. Starting it costs ~5 s, so share one per test assembly.
/// </summary>
public sealed class RabbitMqServer : IAsyncLifetime
{
    private const string Image = "rabbitmq:3.13";

    private LocalServerProcess? _process;
    private RabbitMqContainer? _container;

    /// <summary>amqp:// URI as Aspire gives it, e.g. <c>amqp://guest:guest@127.0.0.1:5690/</c>.</summary>
    public string ConnectionString { get; private set; } = "";

    public async Task InitializeAsync()
    {
        if (DockerDaemon.IsAvailable())
        {
            _container = new RabbitMqBuilder(Image).Build();
            await _container.StartAsync();
            ConnectionString = _container.GetConnectionString();
            return;
        }

        var server = LocalServerBinaries.RequireRabbitMq(LocalServerProcess.Otherwise);
        var node = RabbitMqNode.Prepare(LocalServerProcess.NewWorkDirectory("rabbitmq"), FreePort.Get(), FreePort.Get());
        _process = LocalServerProcess.Start(server, [], node.Environment, node.Directory);
        await _process.WaitUntilReadyAsync(ProtocolProbe.Amqp, node.Port, TimeSpan.FromSeconds(60));
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
