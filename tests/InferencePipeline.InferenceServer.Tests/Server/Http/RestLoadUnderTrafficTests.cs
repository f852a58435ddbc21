using System.Net;
using System.Text.Json.Nodes;
using Google.Protobuf;
using Inference;

namespace InferencePipeline.InferenceServer.Tests.Server.Http;

/// <summary>
/// Load and unload over REST while REST clients infer: a reload swaps the model under traffic without failing a
/// request, and an unload lets the requests already queued finish before the model goes away.
/// </summary>
[Collection(ServerCollection.Name)]
public sealed class RestLoadUnderTrafficTests(ServerFixture fixture)
{
    [Fact]
    public async Task Reloading_over_rest_under_rest_traffic_fails_no_request()
    {
        await fixture.Repository.AddModelAsync("add_rest_reload", 8);
        using var http = RestClient.For(fixture.Server);
        Assert.Equal(HttpStatusCode.OK, (await http.PostAsync("/v2/repository/models/add_rest_reload/load", null)).StatusCode);
        var baseConfig = (await fixture.Client.ModelConfigAsync(new ModelConfigRequest { Name = "add_rest_reload" })).Config;
        using var stop = new CancellationTokenSource();
        var failures = new List<string>();
        var completed = 0;
        var workers = Enumerable.Range(0, 6).Select(w => Task.Run(async () =>
        {
            using var client = RestClient.For(fixture.Server);
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                var rows = 1 + i % 2;
                var values = AddRequests.Values(rows, w * 10_000 + i);
                try
                {
                    using var response = await RestClient.PostJsonAsync(client, "/v2/models/add_rest_reload/infer", RestClient.AddJson(values, rows));
                    if (response.StatusCode != HttpStatusCode.OK)
                    {
                        var error = $"{(int)response.StatusCode}: {await RestClient.ErrorAsync(response)}";
                        lock (failures) { failures.Add(error); }
                    }
                    else if (!RestClient.Floats((await RestClient.ReadAsync(response)).Json.GetProperty("outputs")[0]).SequenceEqual(AddRequests.PlusOne(values)))
                    {
                        lock (failures) { failures.Add("wrong output"); }
                    }

                    Interlocked.Increment(ref completed);
                }
                catch (HttpRequestException e)
                {
                    lock (failures) { failures.Add(e.Message); }
                }
            }
        })).ToArray();

        try
        {
            await TrafficProgress.WaitForCompletionsAsync(() => Volatile.Read(ref completed), 5);
            for (var reload = 0; reload < 4; reload++)
            {
                var config = baseConfig.Clone();
                config.InstanceGroup[0].Count = 1 + reload % 2;
                config.DynamicBatching = reload % 2 == 0 ? new ModelDynamicBatching { MaxQueueDelayMicroseconds = 500 } : null;
                var body = new JsonObject { ["parameters"] = new JsonObject { ["config"] = JsonFormatter.Default.Format(config) } };
                using var loaded = await RestClient.PostJsonAsync(http, "/v2/repository/models/add_rest_reload/load", body);
                Assert.Equal(HttpStatusCode.OK, loaded.StatusCode);
                await TrafficProgress.WaitForCompletionsAsync(() => Volatile.Read(ref completed), 5);
            }
        }
        finally
        {
            stop.Cancel();
            await Task.WhenAll(workers);
            await http.PostAsync("/v2/repository/models/add_rest_reload/unload", null);
        }

        Assert.Empty(failures);
        Assert.True(completed > 20, $"only {completed} requests completed during the reloads");
    }

    [Fact]
    public async Task Unloading_over_rest_lets_queued_requests_finish_then_refuses_new_ones()
    {
        // Requests wait in the batcher's queue for up to 2 s (the preferred batch of 16 never fills), so the unload
        // below, sent once the server has taken all six, arrives while all of them are in flight.
        await fixture.Repository.AddModelAsync("add_rest_unload", 16, c =>
            c.DynamicBatching = new ModelDynamicBatching { PreferredBatchSize = { 16 }, MaxQueueDelayMicroseconds = 2_000_000 });
        using var http = RestClient.For(fixture.Server);
        Assert.Equal(HttpStatusCode.OK, (await http.PostAsync("/v2/repository/models/add_rest_unload/load", null)).StatusCode);

        using var started = new StartedRequests();
        var inputs = Enumerable.Range(0, 6).Select(i => AddRequests.Values(1, i * 100)).ToArray();
        var inFlight = inputs.Select(values => RestClient.PostJsonAsync(http, "/v2/models/add_rest_unload/infer", RestClient.AddJson(values, 1))).ToArray();
        await started.WaitForAsync("add_rest_unload", inputs.Length, TimeSpan.FromSeconds(30));
        Assert.DoesNotContain(inFlight, t => t.IsCompleted);

        using var unloaded = await http.PostAsync("/v2/repository/models/add_rest_unload/unload", null);
        Assert.Equal(HttpStatusCode.OK, unloaded.StatusCode);

        var responses = await Task.WhenAll(inFlight);
        for (var i = 0; i < inputs.Length; i++)
        {
            Assert.Equal(HttpStatusCode.OK, responses[i].StatusCode);
            Assert.Equal(AddRequests.PlusOne(inputs[i]), RestClient.Floats((await RestClient.ReadAsync(responses[i])).Json.GetProperty("outputs")[0]));
            responses[i].Dispose();
        }

        using var after = await RestClient.PostJsonAsync(http, "/v2/models/add_rest_unload/infer", RestClient.AddJson(AddRequests.Values(1, 0), 1));
        Assert.Equal(HttpStatusCode.NotFound, after.StatusCode);
        Assert.Contains("add_rest_unload", await RestClient.ErrorAsync(after));
    }
}
