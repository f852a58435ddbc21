using Grpc.Net.Client;
using Inference;

namespace InferencePipeline.InferenceServer.Tests.Server;

/// <summary>
/// One embedded server (real Kestrel, real ORT) for the whole Server collection, in explicit mode with:
/// <c>add</c> (max batch 8, no dynamic batching), <c>add_batched</c> (max batch 32, dynamic batching, 2 instances),
/// <c>add_nobatch</c> (max batch 0, dims [-1,16]); <c>add_control</c>, <c>add_override</c>, <c>add_reload</c> are in the repository but not loaded
/// (the last two for the load/unload tests, which unload them again).
/// </summary>
public sealed class ServerFixture : IAsyncLifetime
{
    /// <summary>Small so the oversize test stays small; the add models need at most 32 × 64 bytes.</summary>
    public const long MaxRequestBytes = 64 * 1024;

    public TestModelRepository Repository { get; } = new();
    public EmbeddedInferenceServer Server { get; private set; } = null!;
    public GrpcChannel Channel { get; private set; } = null!;
    public GRPCInferenceService.GRPCInferenceServiceClient Client { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await Repository.AddModelAsync("add", 8);
        await Repository.AddModelAsync("add_batched", 32, c =>
        {
            c.DynamicBatching = new ModelDynamicBatching { PreferredBatchSize = { 16, 32 }, MaxQueueDelayMicroseconds = 20_000 };
            c.InstanceGroup[0].Count = 2;
        });
        await Repository.AddModelAsync("add_nobatch", 0, c =>
        {
            c.Input[0].Dims[0] = -1;
            c.Output[0].Dims[0] = -1;
        });
        await Repository.AddModelAsync("add_control", 8);
        await Repository.AddModelAsync("add_override", 8);
        await Repository.AddModelAsync("add_reload", 8);
        Server = await EmbeddedInferenceServer.StartAsync(new InferenceServerOptions
        {
            ModelRepository = Repository.Root,
            ControlMode = ModelControlMode.Explicit,
            LoadModels = ["add", "add_batched", "add_nobatch"],
            MaxRequestBytes = MaxRequestBytes,
        });
        Channel = GrpcChannel.ForAddress(Server.GrpcAddress);
        Client = new GRPCInferenceService.GRPCInferenceServiceClient(Channel);
    }

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

/// <summary>
/// The server tests run one after another: each drives real traffic, and more of it in parallel on a 2-core
/// machine would only slow every one down and disturb the LoadGen timing tests running beside them.
/// </summary>
[CollectionDefinition(Name)]
public sealed class ServerCollection : ICollectionFixture<ServerFixture>, ICollectionFixture<VersionedServerFixture>
{
    public const string Name = "EmbeddedInferenceServer";
}
