using Grpc.Net.Client;
using Inference;
using InferencePipeline.Onnx;

namespace InferencePipeline.InferenceServer.Tests.Server;

/// <summary>
/// One embedded server (real Kestrel, real ORT) for the BYTES tests, with string models only, so the main
/// fixture's repository and counts stay as they are: <c>text</c> (string identity, max batch 8, no dynamic
/// batching), <c>text_batched</c> (max batch 32, dynamic batching, 2 instances) and <c>text_add</c> (a string and a
/// float input side by side, max batch 8, dynamic batching).
/// </summary>
public sealed class BytesServerFixture : IAsyncLifetime
{
    /// <summary>Small so the oversize test stays small; every other BYTES request is far below it.</summary>
    public const long MaxRequestBytes = 64 * 1024;

    public TestModelRepository Repository { get; } = new();
    public EmbeddedInferenceServer Server { get; private set; } = null!;
    public GrpcChannel Channel { get; private set; } = null!;
    public GRPCInferenceService.GRPCInferenceServiceClient Client { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await Repository.AddModelAsync("text", DemoModels.WriteStringIdentity, DemoModels.TextInputs, DemoModels.TextOutputs, 8);
        await Repository.AddModelAsync("text_batched", DemoModels.WriteStringIdentity, DemoModels.TextInputs, DemoModels.TextOutputs, 32, c =>
        {
            c.DynamicBatching = new ModelDynamicBatching { PreferredBatchSize = { 16, 32 }, MaxQueueDelayMicroseconds = 20_000 };
            c.InstanceGroup[0].Count = 2;
        });
        await Repository.AddModelAsync("text_add", DemoModels.WriteStringAndAdd, DemoModels.MixedInputs, DemoModels.MixedOutputs, 8, c =>
            c.DynamicBatching = new ModelDynamicBatching { MaxQueueDelayMicroseconds = 20_000 });
        Server = await EmbeddedInferenceServer.StartAsync(new InferenceServerOptions
        {
            ModelRepository = Repository.Root,
            ControlMode = ModelControlMode.None,
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

[CollectionDefinition(Name)]
public sealed class BytesServerCollection : ICollectionFixture<BytesServerFixture>
{
    public const string Name = "EmbeddedInferenceServerBytes";
}
