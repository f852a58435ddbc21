using Grpc.Core;
using Inference;
using InferencePipeline.InferenceServer.Execution;
using InferencePipeline.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace InferencePipeline.InferenceServer.Tests.Server;

/// <summary>KServe v2 <c>ModelStreamInfer</c> over a real HTTP/2 stream: one response per request, errors in-band.</summary>
[Collection(ServerCollection.Name)]
public sealed class StreamInferTests(ServerFixture fixture)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private GRPCInferenceService.GRPCInferenceServiceClient Client => fixture.Client;

    [Fact]
    public async Task Many_requests_on_one_stream_each_get_their_own_answer_and_are_batched()
    {
        const int count = 48;
        var before = await StatisticsAsync("add_batched");
        var rows = Enumerable.Range(0, count).Select(i => 1 + i % 3).ToArray();
        var inputs = Enumerable.Range(0, count).Select(i => AddRequests.Values(rows[i], i + 1)).ToArray();
        using var call = Client.ModelStreamInfer(cancellationToken: new CancellationTokenSource(Timeout).Token);
        var reading = ReadAllAsync(call);

        for (var i = 0; i < count; i++)
        {
            await call.RequestStream.WriteAsync(i % 2 == 0
                ? AddRequests.Raw("add_batched", inputs[i], rows[i], id: $"s{i}")
                : AddRequests.Typed("add_batched", inputs[i], rows[i], id: $"s{i}"));
        }
        await call.RequestStream.CompleteAsync();
        var responses = await reading;

        Assert.Equal(StatusCode.OK, call.GetStatus().StatusCode);
        Assert.Equal(count, responses.Count);
        var byId = responses.ToDictionary(r => r.InferResponse.Id);
        for (var i = 0; i < count; i++)
        {
            var response = byId[$"s{i}"];
            Assert.Equal("", response.ErrorMessage);
            Assert.Equal("add_batched", response.InferResponse.ModelName);
            Assert.Equal([rows[i], 16L], response.InferResponse.Outputs[0].Shape);
            Assert.Equal(AddRequests.PlusOne(inputs[i]), AddRequests.Output(response.InferResponse));
            // Typed in, typed out; raw in, raw out (as for unary calls).
            Assert.Equal(i % 2 == 0, response.InferResponse.RawOutputContents.Count == 1);
        }

        // Counted like unary requests, and run concurrently enough for the dynamic batcher to batch them.
        var after = await StatisticsAsync("add_batched");
        Assert.Equal((ulong)count, after.InferenceStats.Success.Count - before.InferenceStats.Success.Count);
        Assert.Equal((ulong)rows.Sum(), after.InferenceCount - before.InferenceCount);
        var executions = after.ExecutionCount - before.ExecutionCount;
        Assert.True(executions < count, $"{count} streamed requests ran in {executions} executions: they were not batched");
    }

    [Fact]
    public async Task A_bad_request_gets_an_error_message_and_the_stream_goes_on()
    {
        var before = await StatisticsAsync("add");
        using var call = Client.ModelStreamInfer(cancellationToken: new CancellationTokenSource(Timeout).Token);
        var first = AddRequests.Values(1, 1);
        var last = AddRequests.Values(2, 3);
        var wrongType = AddRequests.Raw("add", AddRequests.Values(1, 2), 1, id: "bad-type");
        wrongType.Inputs[0].Datatype = "INT32";

        await call.RequestStream.WriteAsync(AddRequests.Raw("add", first, 1, id: "good-1"));
        var good1 = await NextAsync(call);
        await call.RequestStream.WriteAsync(wrongType);
        var badType = await NextAsync(call);
        await call.RequestStream.WriteAsync(AddRequests.Raw("missing", first, 1, id: "bad-model"));
        var badModel = await NextAsync(call);
        await call.RequestStream.WriteAsync(AddRequests.Typed("add", last, 2, id: "good-2"));
        var good2 = await NextAsync(call);
        await call.RequestStream.CompleteAsync();

        Assert.Equal(("", "good-1"), (good1.ErrorMessage, good1.InferResponse.Id));
        Assert.Equal(AddRequests.PlusOne(first), AddRequests.Output(good1.InferResponse));
        Assert.Contains("'INPUT0'", badType.ErrorMessage);
        Assert.Contains("'INT32'", badType.ErrorMessage);
        Assert.Contains("'FP32'", badType.ErrorMessage);
        Assert.Equal(("bad-type", "add"), (badType.InferResponse.Id, badType.InferResponse.ModelName));
        Assert.Empty(badType.InferResponse.Outputs);
        Assert.Equal("Request for unknown model: 'missing' is not found", badModel.ErrorMessage);
        Assert.Equal("bad-model", badModel.InferResponse.Id);
        Assert.Equal(("", "good-2"), (good2.ErrorMessage, good2.InferResponse.Id));
        Assert.Equal(AddRequests.PlusOne(last), AddRequests.Output(good2.InferResponse));
        Assert.False(await call.ResponseStream.MoveNext(CancellationToken.None));
        Assert.Equal(StatusCode.OK, call.GetStatus().StatusCode);

        var after = await StatisticsAsync("add");
        Assert.Equal(2UL, after.InferenceStats.Success.Count - before.InferenceStats.Success.Count);
        Assert.Equal(1UL, after.InferenceStats.Fail.Count - before.InferenceStats.Fail.Count); // the wrong type; 'missing' counts for no model
    }

    [Fact]
    public async Task Completing_an_empty_stream_ends_the_call_cleanly()
    {
        using var call = Client.ModelStreamInfer(cancellationToken: new CancellationTokenSource(Timeout).Token);

        await call.RequestStream.CompleteAsync();

        Assert.Empty(await ReadAllAsync(call));
        Assert.Equal(StatusCode.OK, call.GetStatus().StatusCode);
    }

    [Fact]
    public async Task Cancelling_the_stream_drops_its_queued_requests()
    {
        // A batcher that holds a lone request for 3 s, so the requests are still queued when the stream is cancelled.
        const string model = "add_stream_slow";
        await fixture.Repository.AddModelAsync(model, 32, c =>
            c.DynamicBatching = new ModelDynamicBatching { PreferredBatchSize = { 32 }, MaxQueueDelayMicroseconds = 3_000_000 });
        await Client.RepositoryModelLoadAsync(new RepositoryModelLoadRequest { ModelName = model });
        try
        {
            using var started = new StartedRequests();
            using var cancel = new CancellationTokenSource();
            using var call = Client.ModelStreamInfer(cancellationToken: cancel.Token);
            for (var i = 0; i < 3; i++)
            {
                await call.RequestStream.WriteAsync(AddRequests.Raw(model, AddRequests.Values(1, i), 1, id: $"c{i}"));
            }
            // Until the server has read all three: cancelled before that, a request would never reach the queue.
            await started.WaitForAsync(model, 3, Timeout);

            await cancel.CancelAsync();

            var error = await Assert.ThrowsAsync<RpcException>(() => call.ResponseStream.MoveNext(CancellationToken.None));
            Assert.Equal(StatusCode.Cancelled, error.StatusCode);
            // The server fails the three when their batch comes up, instead of running them.
            await WaitForAsync(async () => (await StatisticsAsync(model)).InferenceStats.Fail.Count == 3, "the cancelled requests were not dropped");
            var stats = await StatisticsAsync(model);
            Assert.Equal((0UL, 0UL), (stats.InferenceStats.Success.Count, stats.ExecutionCount));
        }
        finally
        {
            await Client.RepositoryModelUnloadAsync(new RepositoryModelUnloadRequest { ModelName = model });
        }
    }

    [Fact]
    public async Task A_request_cancelled_while_queued_fails_with_cancelled_and_does_not_run()
    {
        var runner = fixture.Server.Services.GetRequiredService<InferenceRunner>();
        using var cancel = new CancellationTokenSource();
        await cancel.CancelAsync();

        var e = await Assert.ThrowsAsync<InferenceException>(async () =>
            await runner.InferAsync(AddRequests.Raw("add", AddRequests.Values(1, 0), 1, id: "late"), cancel.Token));

        Assert.Equal(StatusCode.Cancelled, e.Code);
        Assert.Equal("request 'late' for model 'add' was cancelled before it ran", e.Message);
    }

    private static async Task<List<ModelStreamInferResponse>> ReadAllAsync(AsyncDuplexStreamingCall<ModelInferRequest, ModelStreamInferResponse> call)
    {
        var responses = new List<ModelStreamInferResponse>();
        await foreach (var response in call.ResponseStream.ReadAllAsync())
        {
            responses.Add(response);
        }
        return responses;
    }

    private static async Task<ModelStreamInferResponse> NextAsync(AsyncDuplexStreamingCall<ModelInferRequest, ModelStreamInferResponse> call)
    {
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None), "the stream ended before the response came");
        return call.ResponseStream.Current;
    }

    private static Task WaitForAsync(Func<Task<bool>> condition, string what) => Eventually.TrueAsync(condition, Timeout, what);

    private async Task<ModelStatistics> StatisticsAsync(string model) =>
        (await Client.ModelStatisticsAsync(new ModelStatisticsRequest { Name = model })).ModelStats.Single();
}
