using System.Net;
using System.Text.Json.Nodes;
using Grpc.Core;
using Inference;
using InferencePipeline.InferenceServer.Tests.Server.Http;
using InferencePipeline.Onnx;

namespace InferencePipeline.InferenceServer.Tests.Server;

/// <summary>
/// Triton's <c>dynamic_batching.default_queue_policy</c> on a real server: timeouts that reject or delay, a request's
/// own shorter timeout, a full queue refused at once, and the server's own queue limit where a config sets none.
/// The timeout cases do not race the clock: each batch waits for requests that never come, far longer than the timeout,
/// so only the timeout can end the wait first.
/// </summary>
[Collection(ServerCollection.Name)]
public sealed class QueuePolicyTests : IAsyncLifetime
{
    private const int ServerMaxQueueSize = 3;
    private ServedRepository _served = null!;

    private GRPCInferenceService.GRPCInferenceServiceClient Client => _served.Client;

    public async Task InitializeAsync()
    {
        var repository = new TestModelRepository();
        await repository.AddAddAsync("reject", 8, c => c.DynamicBatching = Batching(maxQueueDelayMs: 60_000, new ModelQueuePolicy
        {
            DefaultTimeoutMicroseconds = 50_000,
            TimeoutAction = ModelQueuePolicy.Types.TimeoutAction.Reject,
        }));
        await repository.AddAddAsync("delay", 8, c => c.DynamicBatching = Batching(maxQueueDelayMs: 500, new ModelQueuePolicy
        {
            DefaultTimeoutMicroseconds = 20_000,
            TimeoutAction = ModelQueuePolicy.Types.TimeoutAction.Delay,
        }));
        await repository.AddAddAsync("override", 8, c => c.DynamicBatching = Batching(maxQueueDelayMs: 500, new ModelQueuePolicy
        {
            DefaultTimeoutMicroseconds = 600_000_000,
            AllowTimeoutOverride = true,
        }));
        await repository.AddAsync("full", TestModels.SlowAdd, DemoModels.TrivialInputs, DemoModels.TrivialOutputs, 1, c =>
            c.DynamicBatching = new ModelDynamicBatching { DefaultQueuePolicy = new ModelQueuePolicy { MaxQueueSize = 2 } });
        // No dynamic batching, so no queue policy: the server's own limit bounds the queue.
        await repository.AddAsync("unbounded_config", TestModels.SlowAdd, DemoModels.TrivialInputs, DemoModels.TrivialOutputs, 1);
        _served = await ServedRepository.StartAsync(repository, ModelControlMode.None, o => o.MaxQueueSize = ServerMaxQueueSize);
    }

    public async Task DisposeAsync() => await _served.DisposeAsync();

    /// <summary>Batches of 4 that wait up to <paramref name="maxQueueDelayMs"/> for their fourth request.</summary>
    private static ModelDynamicBatching Batching(int maxQueueDelayMs, ModelQueuePolicy policy) => new()
    {
        PreferredBatchSize = { 4 },
        MaxQueueDelayMicroseconds = (ulong)maxQueueDelayMs * 1000,
        DefaultQueuePolicy = policy,
    };

    [Fact]
    public async Task Requests_still_waiting_when_their_timeout_passes_are_rejected_with_unavailable()
    {
        var calls = new[] { "a", "b" }.Select(id =>
            Client.ModelInferAsync(AddRequests.Raw("reject", AddRequests.Values(1, 1), 1, id)).ResponseAsync).ToArray();

        foreach (var (call, id) in calls.Zip(["a", "b"]))
        {
            var error = await Assert.ThrowsAsync<RpcException>(() => call);
            Assert.Equal(StatusCode.Unavailable, error.StatusCode);
            Assert.StartsWith($"[request id: {id}] Request timeout expired", error.Status.Detail);
            Assert.Contains("model 'reject'", error.Status.Detail);
        }
        var stats = (await Client.ModelStatisticsAsync(new ModelStatisticsRequest { Name = "reject" })).ModelStats.Single();
        Assert.Equal(0UL, stats.ExecutionCount);
        Assert.Equal(2UL, stats.InferenceStats.Fail.Count);
    }

    [Fact]
    public async Task Under_delay_expired_requests_wait_on_and_run()
    {
        var inputs = new[] { AddRequests.Values(1, 1), AddRequests.Values(1, 2) };
        var responses = await Task.WhenAll(inputs.Select(values =>
            Client.ModelInferAsync(AddRequests.Raw("delay", values, 1)).ResponseAsync));

        for (var i = 0; i < inputs.Length; i++)
        {
            Assert.Equal(AddRequests.PlusOne(inputs[i]), AddRequests.Output(responses[i]));
        }
    }

    [Fact]
    public async Task A_request_may_shorten_its_timeout_over_grpc_and_rest()
    {
        var hurried = AddRequests.Raw("override", AddRequests.Values(1, 1), 1, "hurried");
        hurried.Parameters["timeout"] = new InferParameter { Int64Param = 20_000 };
        var patient = AddRequests.Raw("override", AddRequests.Values(1, 2), 1, "patient");
        using var http = RestClient.For(_served.Server);
        var restBody = RestClient.AddJson(AddRequests.Values(1, 3), 1);
        restBody["parameters"] = new JsonObject { ["timeout"] = 20_000 };

        var hurriedCall = Client.ModelInferAsync(hurried).ResponseAsync;
        var patientCall = Client.ModelInferAsync(patient).ResponseAsync;
        var restCall = RestClient.PostJsonAsync(http, "/v2/models/override/infer", restBody);

        var error = await Assert.ThrowsAsync<RpcException>(() => hurriedCall);
        Assert.Equal(StatusCode.Unavailable, error.StatusCode);
        Assert.StartsWith("[request id: hurried] Request timeout expired", error.Status.Detail);
        var rest = await restCall;
        Assert.Equal(HttpStatusCode.ServiceUnavailable, rest.StatusCode);
        Assert.Contains("Request timeout expired", await RestClient.ErrorAsync(rest));
        // Its default timeout is ten minutes: it runs once the batch's queue delay is over.
        Assert.Equal(AddRequests.PlusOne(AddRequests.Values(1, 2)), AddRequests.Output(await patientCall));
    }

    [Fact]
    public async Task A_timeout_parameter_that_is_not_an_int64_is_refused()
    {
        var request = AddRequests.Raw("override", AddRequests.Values(1, 1), 1, "odd");
        request.Parameters["timeout"] = new InferParameter { StringParam = "soon" };

        var error = await Assert.ThrowsAsync<RpcException>(() => Client.ModelInferAsync(request).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("'timeout' parameter", error.Status.Detail);
    }

    [Fact]
    public async Task A_full_queue_refuses_at_once_with_unavailable_over_grpc_and_503_over_rest()
    {
        var outcome = await BurstAsync("full", 24);

        Assert.NotEmpty(outcome.Refusals);
        Assert.All(outcome.Refusals, r => Assert.Contains("Exceeds maximum queue size", r));
        Assert.All(outcome.Refusals, r => Assert.Contains("its dynamic_batching.default_queue_policy.max_queue_size", r));
        // One running and two queued at least got through, each with its own answer.
        Assert.True(outcome.Accepted >= 3, $"only {outcome.Accepted} of 24 requests were served");
    }

    [Fact]
    public async Task Without_a_queue_policy_the_servers_limit_bounds_the_queue()
    {
        var outcome = await BurstAsync("unbounded_config", 24);

        Assert.NotEmpty(outcome.Refusals);
        Assert.All(outcome.Refusals, r => Assert.Contains(
            $"Exceeds maximum queue size: model 'unbounded_config' already has {ServerMaxQueueSize} requests waiting (the server's InferenceServer:MaxQueueSize", r));
        Assert.True(outcome.Accepted >= 1 + ServerMaxQueueSize, $"only {outcome.Accepted} of 24 requests were served");
    }

    private sealed record Burst(int Accepted, IReadOnlyList<string> Refusals);

    /// <summary>
    /// Sends <paramref name="count"/> requests at once to a slow model, every other one over REST, and checks each
    /// answer: the right output, or a refusal as UNAVAILABLE / 503 (whose messages are returned).
    /// </summary>
    private async Task<Burst> BurstAsync(string model, int count)
    {
        using var http = RestClient.For(_served.Server);
        var calls = Enumerable.Range(0, count).Select(async i =>
        {
            var values = AddRequests.Values(1, i);
            var expected = values.Select(v => v + TestModels.SlowAddIterations).ToArray();
            if (i % 2 == 0)
            {
                try
                {
                    var response = await Client.ModelInferAsync(AddRequests.Raw(model, values, 1)).ResponseAsync;
                    Assert.Equal(expected, AddRequests.Output(response));
                    return null;
                }
                catch (RpcException e) when (e.StatusCode == StatusCode.Unavailable)
                {
                    return e.Status.Detail;
                }
            }
            var rest = await RestClient.PostJsonAsync(http, $"/v2/models/{model}/infer", RestClient.AddJson(values, 1));
            if (rest.StatusCode == HttpStatusCode.ServiceUnavailable)
            {
                return await RestClient.ErrorAsync(rest);
            }
            Assert.Equal(HttpStatusCode.OK, rest.StatusCode);
            var (json, _) = await RestClient.ReadAsync(rest);
            Assert.Equal(expected, RestClient.Floats(json.GetProperty("outputs")[0]));
            return null;
        }).ToArray();
        var results = await Task.WhenAll(calls);
        return new Burst(results.Count(r => r is null), results.OfType<string>().ToList());
    }
}
