using System.Runtime.InteropServices;
using Google.Protobuf;
using Inference;
using InferencePipeline.Onnx;

namespace InferencePipeline.InferenceServer.Tests.Server;

/// <summary>
/// Dynamic batching with BYTES inputs: concurrent requests whose strings differ in length share ORT executions,
/// and every request gets exactly its own strings back (a wrong split of variable-length data would shift them).
/// </summary>
[Collection(BytesServerCollection.Name)]
public sealed class BytesBatchingTests(BytesServerFixture fixture)
{
    private GRPCInferenceService.GRPCInferenceServiceClient Client => fixture.Client;

    [Fact]
    public async Task Concurrent_string_requests_are_batched_and_each_gets_its_own_strings()
    {
        var before = await StatisticsAsync("text_batched");

        const int count = 32;
        var rows = Enumerable.Range(0, count).Select(i => 1 + i % 3).ToArray();
        var inputs = Enumerable.Range(0, count).Select(i => BytesRequests.Values(rows[i], i + 1)).ToArray();
        var responses = await Task.WhenAll(Enumerable.Range(0, count).Select(i => i % 2 == 0
            ? Client.ModelInferAsync(BytesRequests.Raw("text_batched", inputs[i], rows[i], id: $"s{i}")).ResponseAsync
            : Client.ModelInferAsync(BytesRequests.Typed("text_batched", inputs[i], rows[i], id: $"s{i}")).ResponseAsync));

        for (var i = 0; i < count; i++)
        {
            Assert.Equal($"s{i}", responses[i].Id);
            Assert.Equal([rows[i], BytesRequests.Width], responses[i].Outputs[0].Shape);
            Assert.Equal(inputs[i], BytesRequests.Output(responses[i]));
            Assert.Equal(i % 2 == 0, responses[i].RawOutputContents.Count > 0);
        }
        var after = await StatisticsAsync("text_batched");
        var executions = after.ExecutionCount - before.ExecutionCount;
        Assert.Equal((ulong)rows.Sum(), after.InferenceCount - before.InferenceCount);
        Assert.True(executions < count, $"{count} requests ran in {executions} executions: the batcher did not batch");
        Assert.Contains(after.BatchStats, b => b.BatchSize > 1);
    }

    [Fact]
    public async Task Mixed_string_and_float_requests_are_batched_with_both_outputs_split_right()
    {
        var before = await StatisticsAsync("text_add");

        const int count = 16;
        var rows = Enumerable.Range(0, count).Select(i => 1 + i % 2).ToArray();
        var texts = Enumerable.Range(0, count).Select(i => BytesRequests.Values(rows[i], 100 + i)).ToArray();
        var floats = Enumerable.Range(0, count).Select(i => AddRequests.Values(rows[i], i + 1)).ToArray();
        var responses = await Task.WhenAll(Enumerable.Range(0, count).Select(i =>
            Client.ModelInferAsync(new ModelInferRequest
            {
                ModelName = "text_add",
                Inputs =
                {
                    BytesRequests.Input(rows[i]),
                    new ModelInferRequest.Types.InferInputTensor { Name = DemoModels.TrivialInputName, Datatype = "FP32", Shape = { rows[i], AddRequests.Width } },
                },
                RawInputContents =
                {
                    ByteString.CopyFrom(BytesRequests.Serialize(texts[i])),
                    ByteString.CopyFrom(MemoryMarshal.AsBytes(floats[i].AsSpan())),
                },
            }).ResponseAsync));

        for (var i = 0; i < count; i++)
        {
            Assert.Equal(texts[i], BytesRequests.Output(responses[i], 0));
            Assert.Equal(AddRequests.PlusOne(floats[i]), AddRequests.Output(responses[i], 1));
        }
        var after = await StatisticsAsync("text_add");
        Assert.True(after.ExecutionCount - before.ExecutionCount < count, "the mixed requests were not batched");
    }

    private async Task<ModelStatistics> StatisticsAsync(string model) =>
        (await Client.ModelStatisticsAsync(new ModelStatisticsRequest { Name = model })).ModelStats.Single();
}
