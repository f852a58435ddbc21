using System.Net;
using Grpc.Core;
using Inference;
using InferencePipeline.InferenceServer.Tests.Server.Http;
using InferencePipeline.ModelRepository;
using InferencePipeline.Onnx;
using InferencePipeline.Testing;

namespace InferencePipeline.InferenceServer.Tests.Server;

/// <summary>
/// <c>--model-control-mode=poll</c> against a real repository directory that the tests change while the server runs.
/// The poll interval is short and every wait is for a condition with a deadline, never a fixed sleep. In the server
/// collection (without using its fixtures) so its traffic runs after, not beside, the other server tests'.
/// </summary>
[Collection(ServerCollection.Name)]
public sealed class PollModeTests : IAsyncLifetime
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    private readonly TestModelRepository _repository = new();
    private ServedRepository _served = null!;

    public async Task InitializeAsync()
    {
        await _repository.AddVersionedModelAsync("resident", [1], 8);
        _served = await ServedRepository.StartAsync(_repository, ModelControlMode.Poll, o => o.RepositoryPollInterval = PollInterval);
    }

    public async Task DisposeAsync() => await _served.DisposeAsync();

    [Fact]
    public async Task New_entries_load_changed_ones_reload_and_removed_ones_unload()
    {
        Assert.True(await ReadyAsync("resident"));

        // Built beside the repository's entries under a dot-name (which the scan skips), then renamed in at once.
        var staging = Path.Combine(_repository.Root, ".staging");
        await _repository.AddVersionedModelAsync("arrival", [1], 8, root: staging);
        Directory.Move(Path.Combine(staging, "arrival"), Path.Combine(_repository.Root, "arrival"));
        await WaitUntilAsync(() => ReadyAsync("arrival"), "the new entry 'arrival' to become ready");
        Assert.Equal(10f, await AddendAsync("arrival"));
        Assert.Equal(8, (await ConfigAsync("arrival")).MaxBatchSize);

        var config = await ConfigAsync("arrival");
        config.MaxBatchSize = 4;
        await ModelConfigFile.WriteAsync(ModelRepositoryLayout.ConfigPath(_repository.Root, "arrival"), config);
        await WaitUntilAsync(async () => (await ConfigAsync("arrival")).MaxBatchSize == 4, "the changed config.pbtxt to be reloaded");

        // A new version directory is a change too; the default policy (latest 1) then serves it.
        DemoModels.WriteAddConstant(ModelRepositoryLayout.ModelPath(_repository.Root, "arrival", 2), TestModelRepository.Addend(2));
        await WaitUntilAsync(() => ReadyAsync("arrival", "2"), "version 2 to be loaded");
        Assert.Equal(20f, await AddendAsync("arrival"));
        Assert.False(await ReadyAsync("arrival", "1"));

        Directory.Delete(Path.Combine(_repository.Root, "arrival"), recursive: true);
        await WaitUntilAsync(async () => !await ReadyAsync("arrival"), "the removed entry to be unloaded");
        var gone = await Assert.ThrowsAsync<RpcException>(() => _served.Client.ModelInferAsync(Request("arrival", 1)).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, gone.StatusCode);
        Assert.True(await ReadyAsync("resident"));
    }

    [Fact]
    public async Task A_broken_config_keeps_the_previous_load_serving_and_the_index_says_why()
    {
        var configPath = ModelRepositoryLayout.ConfigPath(_repository.Root, "resident");
        var good = ModelConfigFile.Read(configPath);
        await File.WriteAllTextAsync(configPath, "max_batch_size: [ this is not a config");

        await WaitUntilAsync(async () => (await IndexRowAsync("resident")).Reason.Length > 0, "the failed reload to show in the index");
        var row = await IndexRowAsync("resident");
        Assert.Equal(("1", "READY"), (row.Version, row.State));
        Assert.Contains("reload failed", row.Reason);
        Assert.Contains("config.pbtxt", row.Reason);
        Assert.Equal(10f, await AddendAsync("resident"));
        Assert.Equal(8, (await ConfigAsync("resident")).MaxBatchSize);

        good.MaxBatchSize = 2;
        await ModelConfigFile.WriteAsync(configPath, good);
        await WaitUntilAsync(async () => (await ConfigAsync("resident")).MaxBatchSize == 2, "the fixed config to be loaded");
        Assert.Equal("", (await IndexRowAsync("resident")).Reason);
    }

    [Fact]
    public async Task Changes_under_traffic_lose_no_request()
    {
        using var stop = new CancellationTokenSource();
        var failures = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var completed = 0;
        var workers = Enumerable.Range(0, 4).Select(w => Task.Run(async () =>
        {
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                try
                {
                    var addend = await AddendAsync("resident", w * 100 + i % 100);
                    if (addend != 10f)
                    {
                        failures.Enqueue($"added {addend}");
                    }
                    Interlocked.Increment(ref completed);
                }
                catch (RpcException e)
                {
                    failures.Enqueue(e.Status.Detail);
                }
                // A breath between requests: enough overlap with every swap, without starving the timing tests beside us.
                await Task.Delay(1);
            }
        })).ToArray();

        try
        {
            var configPath = ModelRepositoryLayout.ConfigPath(_repository.Root, "resident");
            foreach (var instances in new[] { 2, 1, 3 })
            {
                var config = ModelConfigFile.Read(configPath);
                config.InstanceGroup[0].Count = instances;
                await ModelConfigFile.WriteAsync(configPath, config);
                await WaitUntilAsync(async () => (await ConfigAsync("resident")).InstanceGroup[0].Count == instances,
                    $"the reload to {instances} instance(s)");
                var target = Volatile.Read(ref completed) + 5;
                await WaitUntilAsync(() => Task.FromResult(Volatile.Read(ref completed) >= target), "requests on the reloaded model");
            }
        }
        finally
        {
            stop.Cancel();
            await Task.WhenAll(workers);
        }
        Assert.Empty(failures);
    }

    [Fact]
    public async Task Load_and_unload_requests_are_refused()
    {
        const string Expected = "explicit model load / unload is not allowed if model control mode is not 'explicit'";
        var load = await Assert.ThrowsAsync<RpcException>(() =>
            _served.Client.RepositoryModelLoadAsync(new RepositoryModelLoadRequest { ModelName = "resident" }).ResponseAsync);
        Assert.Equal((StatusCode.Unavailable, Expected), (load.StatusCode, load.Status.Detail));
        var unload = await Assert.ThrowsAsync<RpcException>(() =>
            _served.Client.RepositoryModelUnloadAsync(new RepositoryModelUnloadRequest { ModelName = "resident" }).ResponseAsync);
        Assert.Equal((StatusCode.Unavailable, Expected), (unload.StatusCode, unload.Status.Detail));

        using var http = RestClient.For(_served.Server);
        var restUnload = await http.PostAsync("/v2/repository/models/resident/unload", null);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, restUnload.StatusCode);
        Assert.Equal(Expected, await RestClient.ErrorAsync(restUnload));
        Assert.True(await ReadyAsync("resident"));
    }

    private async Task<bool> ReadyAsync(string model, string version = "") =>
        (await _served.Client.ModelReadyAsync(new ModelReadyRequest { Name = model, Version = version })).Ready;

    private async Task<ModelConfig> ConfigAsync(string model) =>
        (await _served.Client.ModelConfigAsync(new ModelConfigRequest { Name = model })).Config.Clone();

    private async Task<RepositoryIndexResponse.Types.ModelIndex> IndexRowAsync(string model) =>
        (await _served.Client.RepositoryIndexAsync(new RepositoryIndexRequest())).Models.Single(m => m.Name == model);

    private static ModelInferRequest Request(string model, float seed) => AddRequests.Raw(model, AddRequests.Values(1, seed), 1);

    private async Task<float> AddendAsync(string model, float seed = 5)
    {
        var output = AddRequests.Output(await _served.Client.ModelInferAsync(Request(model, seed)));
        return output[0] - AddRequests.Values(1, seed)[0];
    }

    private static Task WaitUntilAsync(Func<Task<bool>> condition, string what) => Eventually.TrueAsync(condition, Deadline, $"waited for {what}");
}
