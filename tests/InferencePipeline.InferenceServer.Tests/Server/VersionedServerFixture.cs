using Grpc.Net.Client;
using Inference;

namespace InferencePipeline.InferenceServer.Tests.Server;

/// <summary>
/// One embedded server (explicit mode, real Kestrel and ORT) whose models each have versions 1, 2 and 3 that
/// add 10, 20 and 30 (<see cref="TestModelRepository.Addend"/>), under every version policy:
/// <c>v_latest2</c> (latest 2), <c>v_all</c> (all), <c>v_specific</c> (specific [1, 3]), <c>v_default</c> (no policy);
/// <c>v_unload</c> and <c>v_reload</c> (all) belong to the tests that unload and reload them. A fixture of
/// <see cref="ServerCollection"/>, so its traffic does not run beside the other server tests and the timing tests.
/// </summary>
public sealed class VersionedServerFixture : IAsyncLifetime
{
    public static readonly int[] Versions = [1, 2, 3];

    public TestModelRepository Repository { get; } = new();
    public EmbeddedInferenceServer Server { get; private set; } = null!;
    public GrpcChannel Channel { get; private set; } = null!;
    public GRPCInferenceService.GRPCInferenceServiceClient Client { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await Repository.AddVersionedModelAsync("v_latest2", Versions, 8,
            c => c.VersionPolicy = new ModelVersionPolicy { Latest = new ModelVersionPolicy.Types.Latest { NumVersions = 2 } });
        await Repository.AddVersionedModelAsync("v_all", Versions, 8, AllVersions);
        await Repository.AddVersionedModelAsync("v_specific", Versions, 8,
            c => c.VersionPolicy = new ModelVersionPolicy { Specific = new ModelVersionPolicy.Types.Specific { Versions = { 1, 3 } } });
        await Repository.AddVersionedModelAsync("v_default", Versions, 8);
        await Repository.AddVersionedModelAsync("v_unload", [1, 2], 8, AllVersions);
        await Repository.AddVersionedModelAsync("v_reload", [1, 2], 8, AllVersions);
        Server = await EmbeddedInferenceServer.StartAsync(new InferenceServerOptions
        {
            ModelRepository = Repository.Root,
            ControlMode = ModelControlMode.Explicit,
            LoadModels = ["v_latest2", "v_all", "v_specific", "v_default", "v_unload", "v_reload"],
        });
        Channel = GrpcChannel.ForAddress(Server.GrpcAddress);
        Client = new GRPCInferenceService.GRPCInferenceServiceClient(Channel);
    }

    public static void AllVersions(ModelConfig config) =>
        config.VersionPolicy = new ModelVersionPolicy { All = new ModelVersionPolicy.Types.All() };

    public async Task DisposeAsync()
    {
        Channel?.Dispose();
        if (Server is not null)
        {
            await Server.DisposeAsync();
        }
        Repository.Dispose();
    }
}
