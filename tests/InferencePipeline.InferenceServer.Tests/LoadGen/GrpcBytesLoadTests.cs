using System.Text;
using Inference;
using InferencePipeline.KServe.Client;
using InferencePipeline.LoadGen;
using InferencePipeline.Onnx;
using Xunit.Abstractions;

namespace InferencePipeline.InferenceServer.Tests.LoadGen;

/// <summary>The load generator's BYTES requests against our embedded server's string models, over real gRPC.</summary>
[Collection(LoadGenTimingCollection.Name)]
public sealed class GrpcBytesLoadTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly TestModelRepository _repository = new();
    private ServedRepository _served = null!;

    public async Task InitializeAsync()
    {
        await _repository.AddModelAsync("text", DemoModels.WriteStringIdentity, DemoModels.TextInputs, DemoModels.TextOutputs, maxBatchSize: 8,
            config => config.DynamicBatching = new ModelDynamicBatching { MaxQueueDelayMicroseconds = 1_000 });
        await _repository.AddModelAsync("text_add", DemoModels.WriteStringAndAdd, DemoModels.MixedInputs, DemoModels.MixedOutputs, maxBatchSize: 8);
        _served = await ServedRepository.StartAsync(_repository, ModelControlMode.None);
    }

    public async Task DisposeAsync() => await _served.DisposeAsync();

    [Theory]
    [InlineData("text")]
    [InlineData("text_add")]
    public async Task Synthetic_bytes_requests_run_under_concurrency_without_errors(string model)
    {
        using var target = await GrpcInferenceTarget.CreateAsync(_served.Server.GrpcAddress, model, batchSize: 4, InputDataMode.Zero);

        var text = target.Request.Inputs[0];
        Assert.Equal("BYTES", text.Datatype);
        Assert.Equal([4L, DemoModels.TextWidth], text.Shape);
        Assert.Equal(8 * (4 + TensorDataFactory.DefaultStringLength), target.Request.RawInputContents[0].Length);
        var before = await target.ReadModelStatisticsAsync(CancellationToken.None);

        var result = await new ConcurrencyLoadGenerator().MeasureDetailedAsync(
            target, 4, new LoadGenOptions { WindowMs = 200, MaxTrials = 3, WarmupMs = 100 });

        output.WriteLine($"{model} BYTES over gRPC, batch 4, concurrency 4: {result.Stats.ThroughputPerSec:N0} infer/s, p50 {result.Stats.P50Ms:F3} ms");
        Assert.Equal(0, result.ErrorCount);
        Assert.True(result.Stats.RequestCount > 20, $"{result.Stats.RequestCount} requests");
        var after = await target.ReadModelStatisticsAsync(CancellationToken.None);
        Assert.True(after!.InferenceStats.Success.Count - (before?.InferenceStats.Success.Count ?? 0) >= (ulong)result.Stats.RequestCount);
    }

    [Fact]
    public async Task String_length_and_fixed_string_data_shape_the_synthetic_bytes_inputs()
    {
        using var shortStrings = await GrpcInferenceTarget.CreateAsync(_served.Server.GrpcAddress, "text", batchSize: 1,
            strings: new StringInputOptions(Length: 5));
        Assert.Equal(DemoModels.TextWidth * (4 + 5), shortStrings.Request.RawInputContents[0].Length);

        using var fixedData = await GrpcInferenceTarget.CreateAsync(_served.Server.GrpcAddress, "text", batchSize: 1,
            strings: new StringInputOptions(Data: "same"));
        using var channel = KServeChannel.Create(_served.Server.GrpcAddress);
        var answer = await new GRPCInferenceService.GRPCInferenceServiceClient(channel).ModelInferAsync(fixedData.Request);
        var raw = answer.RawOutputContents[0].ToByteArray();
        // Every element comes back as a 4-byte length then "same".
        Assert.Equal(DemoModels.TextWidth * 8, raw.Length);
        for (var e = 0; e < DemoModels.TextWidth; e++)
        {
            Assert.Equal(4, BitConverter.ToInt32(raw, e * 8));
            Assert.Equal("same", Encoding.UTF8.GetString(raw, e * 8 + 4, 4));
        }
    }

    [Fact]
    public async Task Input_data_strings_reach_the_model_step_by_step_and_batched()
    {
        // perf_analyzer's input data format: a plain array of strings and content with a shape.
        var json = """
            { "data": [
                { "TEXT": ["hello", "wörld"] },
                { "TEXT": { "content": ["日本", ""], "shape": [2] } }
            ] }
            """;
        using var target = await GrpcInferenceTarget.CreateAsync(_served.Server.GrpcAddress, "text", PerfAnalyzerInputData.Parse(json), batchSize: 2);
        using var channel = KServeChannel.Create(_served.Server.GrpcAddress);
        var client = new GRPCInferenceService.GRPCInferenceServiceClient(channel);

        Assert.Equal(2, target.Requests.Count);
        var first = await client.ModelInferAsync(target.Requests[0]);
        var second = await client.ModelInferAsync(target.Requests[1]);

        Assert.Equal(["hello", "wörld", "日本", ""], Strings(first));
        Assert.Equal(["日本", "", "hello", "wörld"], Strings(second));
        var result = await new ConcurrencyLoadGenerator().MeasureDetailedAsync(target, 2, new LoadGenOptions { WindowRequests = 20, MaxTrials = 3 });
        Assert.Equal(0, result.ErrorCount);
    }

    private static string[] Strings(ModelInferResponse response)
    {
        var data = response.RawOutputContents[0].Span;
        var values = new List<string>();
        while (data.Length > 0)
        {
            var length = BitConverter.ToInt32(data[..4]);
            values.Add(Encoding.UTF8.GetString(data.Slice(4, length)));
            data = data[(4 + length)..];
        }
        return [.. values];
    }
}
