using InferencePipeline.Analyzer;
using InferencePipeline.Artifacts;
using InferencePipeline.Contracts;
using InferencePipeline.Converter;
using InferencePipeline.Deployer;
using InferencePipeline.InferenceServer;
using InferencePipeline.Orchestrator;
using InferencePipeline.OrtTuner;
using InferencePipeline.ServiceDefaults;
using InferencePipeline.TritonProfiler;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace InferencePipeline.Cli.Composition;

/// <summary>
/// A bus the CLI talks through, and what it hears. <see cref="InProcessAsync"/> composes every service
/// of the system in this process over the in-memory transport, with the embedded inference server on a
/// free port: the same consumers the AppHost runs as separate processes over RabbitMQ.
/// <see cref="RemoteAsync"/> only joins an existing RabbitMQ to send requests and hear events (a client that
/// triggers pipelines by message rather than through the HTTP API).
/// </summary>
public sealed class PipelineHost : IAsyncDisposable
{
    private readonly IHost _host;
    private readonly EmbeddedInferenceServer? _server;
    private readonly ArtifactStore? _artifacts;

    private PipelineHost(IHost host, EmbeddedInferenceServer? server, ArtifactStore? artifacts)
    {
        _host = host;
        _server = server;
        _artifacts = artifacts;
    }

    public PipelineEvents Events => _host.Services.GetRequiredService<PipelineEvents>();

    public IServiceProvider Services => _host.Services;

    public Uri? InferenceServerAddress => _server?.GrpcAddress;

    /// <summary>The first allowed model root, the current directory unless an override says otherwise.</summary>
    public const string DemoModelRootKey = $"{ModelIntakeOptions.Section}:AllowedRoots:0";

    /// <param name="root">The artifact root; the embedded server's model repository is its <c>model-repository</c> folder.</param>
    /// <param name="overrides">Extra configuration (e.g. <c>Pipeline:OrtTuner:WindowMs</c>), applied last.</param>
    public static async Task<PipelineHost> InProcessAsync(string root, CancellationToken ct, IReadOnlyDictionary<string, string?>? overrides = null)
    {
        root = Path.GetFullPath(root);
        var repository = Path.Combine(root, "model-repository");
        Directory.CreateDirectory(repository);
        var server = await EmbeddedInferenceServer.StartAsync(
            new InferenceServerOptions { ModelRepository = repository, ControlMode = ModelControlMode.Explicit }, port: 0, ct);

        var settings = new Dictionary<string, string?>
        {
            [$"{ArtifactStoreOptions.Section}:Root"] = root,
            ["Pipeline:InferenceServer:GrpcAddress"] = server.GrpcAddress.ToString(),
            ["Pipeline:InferenceServer:ModelRepository"] = repository,
            // The server starts with this process: until the JIT settles, the first config profiled reads low.
            ["Pipeline:Profiler:WarmupLimit"] = "00:00:20",
            // The user runs the demo on their own files: those under the current directory may be read.
            [DemoModelRootKey] = Directory.GetCurrentDirectory(),
        };
        foreach (var (key, value) in overrides ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        var host = await BuildAsync(settings, bus =>
        {
            bus.AddOrchestrator();
            bus.AddConverter();
            bus.AddOrtTuner();
            bus.AddTritonProfiler();
            bus.AddAnalyzer();
            bus.AddDeployer();
        }, ct);
        return new PipelineHost(host, server, new ArtifactStore(root));
    }

    public static async Task<PipelineHost> RemoteAsync(string rabbitMqConnectionString, CancellationToken ct)
    {
        var settings = new Dictionary<string, string?> { [$"ConnectionStrings:{PipelineBusExtensions.RabbitMqConnectionName}"] = rabbitMqConnectionString };
        var host = await BuildAsync(settings, _ => { }, ct);
        return new PipelineHost(host, null, null);
    }

    public async Task StartPipelineAsync(StartPipeline request, CancellationToken ct)
    {
        var endpoint = await _host.Services.GetRequiredService<ISendEndpointProvider>().GetSendEndpoint(QueueNames.For<StartPipeline>());
        await endpoint.Send(request, ct);
    }

    /// <summary>The local file behind an artifact URI (for printing), or the URI when the store is remote.</summary>
    public string LocalPath(string uri) => _artifacts is null ? uri : _artifacts.PathFor(uri);

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    private static async Task<IHost> BuildAsync(Dictionary<string, string?> settings, Action<IBusRegistrationConfigurator> services, CancellationToken ct)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Configuration.AddEnvironmentVariables("INFERPIPE_");
        // The console belongs to the progress bars; services report through events, not log lines.
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddSingleton<PipelineEvents>();
        builder.Services.AddPipelineBus(builder.Configuration, bus =>
        {
            services(bus);
            bus.AddConsumer<PipelineEventSink, PipelineEventSinkDefinition>();
        });

        var host = builder.Build();
        await host.StartAsync(ct);
        return host;
    }
}
