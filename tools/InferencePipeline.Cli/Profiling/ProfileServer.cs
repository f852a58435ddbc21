using Grpc.Core;
using Inference;
using InferencePipeline.InferenceServer;
using InferencePipeline.KServe.Client;
using InferencePipeline.LocalInfrastructure;
using InferencePipeline.ModelAnalyzer.Config;
using InferencePipeline.ModelAnalyzer.Search;

namespace InferencePipeline.Cli.Profiling;

/// <summary>
/// The server a profile measures on, by <c>triton_launch_mode</c>: <c>local</c> starts our embedded server in this
/// process over the output model repository (each config its own entry there, loaded by name); <c>remote</c> talks to
/// a running KServe v2 server at <c>triton_grpc_endpoint</c> and loads each config as an override of the model's own
/// entry; <c>docker</c> needs the Triton container, which needs a Docker daemon.
/// </summary>
public sealed class ProfileServer : IAsyncDisposable
{
    private static readonly TimeSpan ReachTimeout = TimeSpan.FromSeconds(10);

    private readonly EmbeddedInferenceServer? _embedded;
    private readonly Grpc.Net.Client.GrpcChannel _channel;

    private ProfileServer(Uri address, EmbeddedInferenceServer? embedded, bool configsAreEntries)
    {
        Address = address;
        _embedded = embedded;
        _channel = KServeChannel.Create(address);
        Control = new KServeModelControl(new GRPCInferenceService.GRPCInferenceServiceClient(_channel));
        ConfigsAreEntries = configsAreEntries;
    }

    public Uri Address { get; }

    public KServeModelControl Control { get; }

    /// <summary>Each config is an entry of its own in the server's repository (local mode); else it overrides the model's entry.</summary>
    public bool ConfigsAreEntries { get; }

    public bool IsLocal => _embedded is not null;

    /// <summary>The entry a config of <paramref name="model"/> is loaded as.</summary>
    public string EntryOf(string model, PlannedServingConfig config) => ConfigsAreEntries ? config.Name : model;

    /// <exception cref="ProfileSetupException">The server cannot be started or reached; the message says why and what to do.</exception>
    public static async Task<ProfileServer> StartAsync(ModelAnalyzerConfig config, string outputRepository, CancellationToken cancellationToken)
    {
        switch (config.LaunchMode)
        {
            case TritonLaunchMode.Local:
                var server = await EmbeddedInferenceServer.StartAsync(
                    new InferenceServerOptions { ModelRepository = outputRepository, ControlMode = ModelControlMode.Explicit }, port: 0, cancellationToken);
                return new ProfileServer(server.GrpcAddress, server, configsAreEntries: true);
            case TritonLaunchMode.Remote:
                var address = EndpointUri(config.GrpcEndpoint);
                var remote = new ProfileServer(address, null, configsAreEntries: false);
                await remote.CheckReachableAsync(config, cancellationToken);
                return remote;
            default:
                throw new ProfileSetupException(DockerDaemon.IsAvailable()
                    ? $"triton_launch_mode 'docker' ({config.DockerImage}) is not run by inferpipe itself: start the container on the output model repository " +
                      "(tritonserver --model-repository=<output_model_repository_path> --model-control-mode=explicit) and profile with triton_launch_mode: remote."
                    : $"triton_launch_mode 'docker' needs a Docker daemon, and none runs here (no DOCKER_HOST, no {DockerDaemon.SocketPath}). " +
                      "Use triton_launch_mode: local (the embedded server) or remote (a running server at triton_grpc_endpoint).");
        }
    }

    /// <summary>"localhost:8001" as Model Analyzer writes endpoints, or a full URI.</summary>
    public static Uri EndpointUri(string endpoint) =>
        Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" ? uri : new Uri("http://" + endpoint);

    public async ValueTask DisposeAsync()
    {
        _channel.Dispose();
        if (_embedded is not null)
        {
            await _embedded.DisposeAsync();
        }
    }

    private async Task CheckReachableAsync(ModelAnalyzerConfig config, CancellationToken cancellationToken)
    {
        var client = new GRPCInferenceService.GRPCInferenceServiceClient(_channel);
        try
        {
            var live = await client.ServerLiveAsync(new ServerLiveRequest(), deadline: DateTime.UtcNow + ReachTimeout, cancellationToken: cancellationToken);
            if (!live.Live)
            {
                throw new ProfileSetupException($"The KServe v2 server at {Address} (triton_grpc_endpoint) says it is not live; wait for it or check its log.");
            }
        }
        catch (RpcException e)
        {
            await DisposeAsync();
            throw new ProfileSetupException(
                $"Cannot reach a KServe v2 gRPC server at {Address} (triton_grpc_endpoint '{config.GrpcEndpoint}' in {config.Source}): {e.Status.Detail} ({e.StatusCode}). " +
                "Is it running in explicit model control mode, and is this its gRPC port (Triton: 8001)?", e);
        }
    }
}
