using Inference;

namespace InferencePipeline.InferenceServer.Tests.Server;

[Collection(ServerCollection.Name)]
public sealed class DynamicBatchingTests(ServerFixture fixture)
{
    private GRPCInferenceService.GRPCInferenceServiceClient Client => fixture.Client;

    [Fact]
    public async Task Concurrent_requests_are_batched_and_each_gets_its_own_result()
    {
        var before = await StatisticsAsync("add_batched");
        var (rows, total) = await RunConcurrentAsync("add_batched", 32);
        var after = await StatisticsAsync("add_batched");

        var executions = after.ExecutionCount - before.ExecutionCount;
        var inferences = after.InferenceCount - before.InferenceCount;
        Assert.Equal((ulong)total, inferences);
        Assert.True(executions < 32, $"32 requests ran in {executions} executions: the batcher did not batch");
        Assert.Contains(after.BatchStats, b => b.BatchSize > 1);
        Assert.Equal(32UL, after.InferenceStats.Success.Count - before.InferenceStats.Success.Count);
    }

    [Fact]
    public async Task Without_dynamic_batching_every_request_runs_alone()
    {
        var before = await StatisticsAsync("add");
        await RunConcurrentAsync("add", 16);
        var after = await StatisticsAsync("add");
        Assert.Equal(16UL, after.ExecutionCount - before.ExecutionCount);
    }

    /// <summary>Sends <paramref name="count"/> requests at once, with 1–3 rows and distinct values each, and checks every answer.</summary>
    private async Task<(int[] Rows, int Total)> RunConcurrentAsync(string model, int count)
    {
        var rows = Enumerable.Range(0, count).Select(i => 1 + i % 3).ToArray();
        var inputs = Enumerable.Range(0, count).Select(i => AddRequests.Values(rows[i], i + 1)).ToArray();
        var calls = Enumerable.Range(0, count).Select(i => i % 2 == 0
            ? Client.ModelInferAsync(AddRequests.Raw(model, inputs[i], rows[i], id: $"r{i}")).ResponseAsync
            : Client.ModelInferAsync(AddRequests.Typed(model, inputs[i], rows[i], id: $"r{i}")).ResponseAsync).ToArray();
        var responses = await Task.WhenAll(calls);
        for (var i = 0; i < count; i++)
        {
            Assert.Equal($"r{i}", responses[i].Id);
            Assert.Equal([rows[i], 16L], responses[i].Outputs[0].Shape);
            Assert.Equal(AddRequests.PlusOne(inputs[i]), AddRequests.Output(responses[i]));
        }
        return (rows, rows.Sum());
    }

    private async Task<ModelStatistics> StatisticsAsync(string model) =>
        (await Client.ModelStatisticsAsync(new ModelStatisticsRequest { Name = model })).ModelStats.Single();
}
