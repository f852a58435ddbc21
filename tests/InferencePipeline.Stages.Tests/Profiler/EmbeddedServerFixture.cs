using InferencePipeline.InferenceServer;
using InferencePipeline.KServe.Client;
using InferencePipeline.Testing.Models;

namespace InferencePipeline.Stages.Tests.Profiler;

/// <summary>
/// A real embedded inference server (KServe v2 gRPC, explicit model control) on a free port, its model
/// repository in a temp directory: what the profiler and deployer talk to in production, minus Triton.
/// </summary>
public sealed class EmbeddedServerFixture : IAsyncLifetime
{
    public TestModelRepository Repository { get; } = new();

    public EmbeddedInferenceServer Server { get; private set; } = null!;

    /// <summary>The configuration the stages read to find this server.</summary>
    public IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        [InferenceServerEndpointOptions.Section + ":GrpcAddress"] = Server.GrpcAddress.ToString(),
        [InferenceServerEndpointOptions.Section + ":ModelRepository"] = Repository.Root,
    };

    public async Task InitializeAsync() =>
        Server = await EmbeddedInferenceServer.StartAsync(
            new InferenceServerOptions { ModelRepository = Repository.Root, ControlMode = ModelControlMode.Explicit }, port: 0);

    public async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        Repository.Dispose();
    }
}
