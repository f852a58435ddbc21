using System.Runtime.InteropServices;
using Inference;
using InferencePipeline.KServe.Client;
using InferencePipeline.LoadGen;
using InferencePipeline.Onnx;
using Xunit.Abstractions;

namespace InferencePipeline.InferenceServer.Tests.LoadGen;

/// <summary>The gRPC target against our embedded KServe v2 server, over a real HTTP/2 socket.</summary>
[Collection(LoadGenTimingCollection.Name)]
public sealed class GrpcInferenceTargetTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly BertShape SmallBert = new(Layers: 1, Hidden: 32, Heads: 2, Intermediate: 64, SequenceLength: 32);
    private readonly TestModelRepository _repository = new();
    private ServedRepository _served = null!;

    public async Task InitializeAsync()
    {
        await _repository.AddModelAsync("add", maxBatchSize: 8);
        await _repository.AddModelAsync("add_nobatch", DemoModels.WriteAdd,
            [new("INPUT0", "FP32", [1, 16])], [new("OUTPUT0", "FP32", [1, 16])], maxBatchSize: 0);
        await _repository.AddModelAsync("bert", path => DemoModels.WriteBert(path, SmallBert),
            DemoModels.BertInputs(SmallBert), DemoModels.BertOutputs(SmallBert), maxBatchSize: 4);
        _served = await ServedRepository.StartAsync(_repository, ModelControlMode.None);
    }

    public async Task DisposeAsync() => await _served.DisposeAsync();

    [Fact]
    public async Task Learns_inputs_from_metadata_and_config_and_measures_the_served_model()
    {
        using var target = await GrpcInferenceTarget.CreateAsync(_served.Server.GrpcAddress, "add", batchSize: 4);

        var input = Assert.Single(target.Request.Inputs);
        Assert.Equal(DemoModels.TrivialInputName, input.Name);
        Assert.Equal("FP32", input.Datatype);
        Assert.Equal([4L, DemoModels.TrivialWidth], input.Shape);
        Assert.Equal(4 * DemoModels.TrivialWidth * sizeof(float), Assert.Single(target.Request.RawInputContents).Length);
        Assert.Equal(4, target.BatchSize);

        var result = await new ConcurrencyLoadGenerator().MeasureDetailedAsync(
            target, 4, new LoadGenOptions { WindowMs = 200, MaxTrials = 4, WarmupMs = 100 });

        output.WriteLine($"add over gRPC, batch 4, concurrency 4: {result.Stats.ThroughputPerSec:N0} infer/s, p50 {result.Stats.P50Ms:F3} ms, p99 {result.Stats.P99Ms:F3} ms, stable {result.Stats.Stable}");
        Assert.Equal(0, result.ErrorCount);
        Assert.True(result.Stats.RequestCount > 20, $"{result.Stats.RequestCount} requests");
        Assert.True(result.Stats.P50Ms > 0);
    }

    [Fact]
    public async Task Fills_the_seed_bert_inputs_with_ids_ones_for_the_mask_and_zero_segments()
    {
        using var target = await GrpcInferenceTarget.CreateAsync(_served.Server.GrpcAddress, "bert", batchSize: 2);

        var names = target.Request.Inputs.Select(i => i.Name).ToArray();
        Assert.Equal(["input_names", "input_mask", "segment_ids"], names);
        Assert.All(target.Request.Inputs, i => Assert.Equal([2L, SmallBert.SequenceLength], i.Shape));
        var ids = MemoryMarshal.Cast<byte, long>(target.Request.RawInputContents[0].Span).ToArray();
        var mask = MemoryMarshal.Cast<byte, long>(target.Request.RawInputContents[1].Span).ToArray();
        var segments = MemoryMarshal.Cast<byte, long>(target.Request.RawInputContents[2].Span).ToArray();
        Assert.All(ids, v => Assert.InRange(v, 0, SmallBert.Vocab - 1));
        Assert.All(mask, v => Assert.Equal(1, v));
        Assert.All(segments, v => Assert.Equal(0, v));

        var stats = await new ConcurrencyLoadGenerator().MeasureAsync(
            target, 2, new LoadGenOptions { WindowRequests = 30, MaxTrials = 3 });
        // Three count windows of at least 30 requests each, every request answered by the real model.
        Assert.True(stats.RequestCount >= 90, $"{stats.RequestCount} requests");
        Assert.True(stats.ThroughputPerSec > 0);
    }

    [Fact]
    public async Task A_model_without_batching_is_sent_its_full_shape_and_refuses_batches()
    {
        using var target = await GrpcInferenceTarget.CreateAsync(_served.Server.GrpcAddress, "add_nobatch");
        Assert.Equal([1L, 16], Assert.Single(target.Request.Inputs).Shape);
        await target.InferAsync(CancellationToken.None);

        await Assert.ThrowsAsync<ArgumentException>(() => GrpcInferenceTarget.CreateAsync(_served.Server.GrpcAddress, "add_nobatch", batchSize: 2));
        await Assert.ThrowsAsync<ArgumentException>(() => GrpcInferenceTarget.CreateAsync(_served.Server.GrpcAddress, "add", batchSize: 9));
    }

    [Fact]
    public async Task Unknown_model_fails_with_a_message_naming_it()
    {
        var ex = await Assert.ThrowsAsync<LoadGenException>(() => GrpcInferenceTarget.CreateAsync(_served.Server.GrpcAddress, "no_such_model"));
        Assert.Contains("no_such_model", ex.Message);
    }

    [Fact]
    public async Task Server_errors_fail_the_measurement_with_the_servers_message()
    {
        using var channel = KServeChannel.Create(_served.Server.GrpcAddress);
        var client = new GRPCInferenceService.GRPCInferenceServiceClient(channel);
        // Width 8 where the model takes 16: every request is rejected by the server.
        var request = GrpcInferenceTarget.BuildRequest(
            "add", "", [new ModelMetadataResponse.Types.TensorMetadata { Name = "INPUT0", Datatype = "FP32", Shape = { -1, 8 } }],
            hasBatchDimension: true, batchSize: 1, InputDataMode.Random, shapes: null, new Random(1));
        var target = new GrpcInferenceTarget(client, request);

        var ex = await Assert.ThrowsAsync<LoadGenException>(() => new ConcurrencyLoadGenerator().MeasureAsync(
            target, 2, new LoadGenOptions { WindowMs = 100, MaxTrials = 3 }));

        output.WriteLine(ex.Message);
        Assert.Contains("All", ex.Message);
        Assert.Contains("INPUT0", ex.Message);
    }
}
