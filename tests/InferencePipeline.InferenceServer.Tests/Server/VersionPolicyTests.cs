using Google.Protobuf;
using Grpc.Core;
using Inference;

namespace InferencePipeline.InferenceServer.Tests.Server;

[Collection(ServerCollection.Name)]
public sealed class VersionPolicyTests(VersionedServerFixture fixture)
{
    private GRPCInferenceService.GRPCInferenceServiceClient Client => fixture.Client;

    [Fact]
    public async Task Latest_two_serves_the_two_highest_versions_and_no_version_means_the_highest()
    {
        Assert.Equal(20f, await AddendAsync("v_latest2", "2"));
        Assert.Equal(30f, await AddendAsync("v_latest2", "3"));
        Assert.Equal(30f, await AddendAsync("v_latest2", ""));
        await AssertUnknownVersionAsync("v_latest2", "1");

        Assert.False(await ReadyAsync("v_latest2", "1"));
        Assert.True(await ReadyAsync("v_latest2", "2"));
        Assert.True(await ReadyAsync("v_latest2", ""));
        var metadata = await Client.ModelMetadataAsync(new ModelMetadataRequest { Name = "v_latest2" });
        Assert.Equal(["2", "3"], metadata.Versions);
        var one = await Client.ModelMetadataAsync(new ModelMetadataRequest { Name = "v_latest2", Version = "2" });
        Assert.Equal(["2"], one.Versions);
    }

    [Fact]
    public async Task All_serves_every_version_and_the_index_lists_each()
    {
        foreach (var version in VersionedServerFixture.Versions)
        {
            Assert.Equal(TestModelRepository.Addend(version), await AddendAsync("v_all", version.ToString()));
            Assert.True(await ReadyAsync("v_all", version.ToString()));
        }
        Assert.Equal(30f, await AddendAsync("v_all", ""));
        await AssertUnknownVersionAsync("v_all", "4");
        Assert.Equal(["1", "2", "3"], (await Client.ModelMetadataAsync(new ModelMetadataRequest { Name = "v_all" })).Versions);

        var index = await Client.RepositoryIndexAsync(new RepositoryIndexRequest { Ready = true });
        var rows = index.Models.Where(m => m.Name == "v_all").ToArray();
        Assert.Equal(["1", "2", "3"], rows.Select(m => m.Version));
        Assert.All(rows, m => Assert.Equal("READY", m.State));
    }

    [Fact]
    public async Task Specific_serves_only_the_listed_versions()
    {
        Assert.Equal(10f, await AddendAsync("v_specific", "1"));
        Assert.Equal(30f, await AddendAsync("v_specific", "3"));
        Assert.Equal(30f, await AddendAsync("v_specific", ""));
        await AssertUnknownVersionAsync("v_specific", "2");
        Assert.Equal(["1", "3"], (await Client.ModelMetadataAsync(new ModelMetadataRequest { Name = "v_specific" })).Versions);
    }

    [Fact]
    public async Task Without_a_policy_only_the_latest_version_is_served()
    {
        Assert.Equal(30f, await AddendAsync("v_default", ""));
        Assert.Equal(30f, await AddendAsync("v_default", "3"));
        await AssertUnknownVersionAsync("v_default", "2");
        await AssertUnknownVersionAsync("v_default", "1");
        Assert.Equal(["3"], (await Client.ModelMetadataAsync(new ModelMetadataRequest { Name = "v_default" })).Versions);
    }

    [Fact]
    public async Task Statistics_are_kept_per_version()
    {
        var before = await Client.ModelStatisticsAsync(new ModelStatisticsRequest { Name = "v_all" });
        Assert.Equal(["1", "2", "3"], before.ModelStats.Select(s => s.Version));
        await AddendAsync("v_all", "2");
        await AddendAsync("v_all", "2");

        var after = await Client.ModelStatisticsAsync(new ModelStatisticsRequest { Name = "v_all" });
        ulong Successes(ModelStatisticsResponse r, string v) => r.ModelStats.Single(s => s.Version == v).InferenceStats.Success.Count;
        Assert.Equal(Successes(before, "2") + 2, Successes(after, "2"));
        Assert.Equal(Successes(before, "1"), Successes(after, "1"));
        var two = await Client.ModelStatisticsAsync(new ModelStatisticsRequest { Name = "v_all", Version = "2" });
        Assert.Equal("2", Assert.Single(two.ModelStats).Version);
        var all = await Client.ModelStatisticsAsync(new ModelStatisticsRequest());
        Assert.Equal(3, all.ModelStats.Count(s => s.Name == "v_all"));
        var unknown = await Assert.ThrowsAsync<RpcException>(() =>
            Client.ModelStatisticsAsync(new ModelStatisticsRequest { Name = "v_all", Version = "9" }).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, unknown.StatusCode);
    }

    [Fact]
    public async Task Unload_removes_every_version()
    {
        Assert.True(await ReadyAsync("v_unload", "1"));
        await Client.RepositoryModelUnloadAsync(new RepositoryModelUnloadRequest { ModelName = "v_unload" });

        Assert.False(await ReadyAsync("v_unload", "1"));
        Assert.False(await ReadyAsync("v_unload", "2"));
        var index = await Client.RepositoryIndexAsync(new RepositoryIndexRequest());
        var rows = index.Models.Where(m => m.Name == "v_unload").ToArray();
        Assert.Equal(["1", "2"], rows.Select(m => m.Version));
        Assert.All(rows, m => Assert.Equal(("UNAVAILABLE", "unloaded"), (m.State, m.Reason)));
        var error = await Assert.ThrowsAsync<RpcException>(() =>
            Client.ModelInferAsync(Request("v_unload", "1", 0)).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, error.StatusCode);
    }

    [Fact]
    public async Task Reloading_under_traffic_on_every_version_loses_no_request()
    {
        var config = (await Client.ModelConfigAsync(new ModelConfigRequest { Name = "v_reload" })).Config;
        using var stop = new CancellationTokenSource();
        var failures = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var completed = 0;
        string[] targets = ["1", "2", ""];
        var workers = Enumerable.Range(0, 6).Select(w => Task.Run(async () =>
        {
            var version = targets[w % targets.Length];
            var expected = version == "1" ? 10f : 20f;
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                try
                {
                    var got = await AddendAsync("v_reload", version, w * 100 + i % 100);
                    if (got != expected)
                    {
                        failures.Enqueue($"version '{version}' added {got}, expected {expected}");
                    }
                    Interlocked.Increment(ref completed);
                }
                catch (RpcException e)
                {
                    failures.Enqueue($"version '{version}': {e.Status.Detail}");
                }
                // A breath between requests: enough overlap with every swap, without starving the timing tests beside us.
                await Task.Delay(1);
            }
        })).ToArray();

        try
        {
            await TrafficProgress.WaitForCompletionsAsync(() => Volatile.Read(ref completed), 6);
            for (var reload = 0; reload < 3; reload++)
            {
                var next = config.Clone();
                next.InstanceGroup[0].Count = 1 + reload % 2;
                await Client.RepositoryModelLoadAsync(new RepositoryModelLoadRequest
                {
                    ModelName = "v_reload",
                    Parameters = { ["config"] = new ModelRepositoryParameter { StringParam = JsonFormatter.Default.Format(next) } },
                });
                await TrafficProgress.WaitForCompletionsAsync(() => Volatile.Read(ref completed), 6);
            }
        }
        finally
        {
            stop.Cancel();
            await Task.WhenAll(workers);
        }

        Assert.Empty(failures);
        Assert.True(completed > 20, $"only {completed} requests completed during the reloads");
    }

    private async Task<float> AddendAsync(string model, string version, float seed = 3)
    {
        var response = await Client.ModelInferAsync(Request(model, version, seed));
        Assert.Equal(model, response.ModelName);
        var input = AddRequests.Values(1, seed);
        var output = AddRequests.Output(response);
        var addend = output[0] - input[0];
        // Every element got the same constant: the whole tensor came from one version.
        Assert.Equal(input.Select(v => v + addend), output);
        return addend;
    }

    private static ModelInferRequest Request(string model, string version, float seed)
    {
        var request = AddRequests.Raw(model, AddRequests.Values(1, seed), 1);
        request.ModelVersion = version;
        return request;
    }

    private async Task<bool> ReadyAsync(string model, string version) =>
        (await Client.ModelReadyAsync(new ModelReadyRequest { Name = model, Version = version })).Ready;

    private async Task AssertUnknownVersionAsync(string model, string version)
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => Client.ModelInferAsync(Request(model, version, 1)).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, error.StatusCode);
        Assert.Equal($"Request for unknown model: '{model}' version {version} is not found", error.Status.Detail);
        var metadata = await Assert.ThrowsAsync<RpcException>(() =>
            Client.ModelMetadataAsync(new ModelMetadataRequest { Name = model, Version = version }).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, metadata.StatusCode);
    }
}
