using Google.Protobuf;
using Grpc.Core;
using Inference;
using InferencePipeline.Testing;

namespace InferencePipeline.InferenceServer.Tests.Server;

[Collection(ServerCollection.Name)]
public sealed class RepositoryControlTests(ServerFixture fixture)
{
    private GRPCInferenceService.GRPCInferenceServiceClient Client => fixture.Client;

    [Fact]
    public async Task Load_with_config_override_then_unload()
    {
        var config = (await LoadAndGetConfigAsync("add_override", null)).Clone();
        Assert.Equal(1, config.InstanceGroup[0].Count);
        Assert.Null(config.DynamicBatching);

        config.InstanceGroup[0].Count = 3;
        config.DynamicBatching = new ModelDynamicBatching { PreferredBatchSize = { 4 }, MaxQueueDelayMicroseconds = 100 };
        try
        {
            var overridden = await LoadAndGetConfigAsync("add_override", JsonFormatter.Default.Format(config));
            Assert.Equal(3, overridden.InstanceGroup[0].Count);
            Assert.Equal([4], overridden.DynamicBatching.PreferredBatchSize);
            var values = AddRequests.Values(2, 5);
            var response = await Client.ModelInferAsync(AddRequests.Raw("add_override", values, 2));
            Assert.Equal(AddRequests.PlusOne(values), AddRequests.Output(response));
            // With dynamic batching each instance runs its batches on a thread of its own (named model:version#index).
            Assert.Equal(3, InstanceThreads("add_override:1#"));
        }
        finally
        {
            await Client.RepositoryModelUnloadAsync(new RepositoryModelUnloadRequest { ModelName = "add_override" });
        }

        // ... and unloading the model ends those threads.
        await Eventually.TrueAsync(() => InstanceThreads("add_override:1#") == 0, TimeSpan.FromSeconds(10),
            $"{InstanceThreads("add_override:1#")} instance thread(s) of the unloaded model still run");

        Assert.False((await Client.ModelReadyAsync(new ModelReadyRequest { Name = "add_override" })).Ready);
        var index = await Client.RepositoryIndexAsync(new RepositoryIndexRequest());
        Assert.Contains(index.Models, m => m.Name == "add_override" && m.State == "UNAVAILABLE" && m.Reason == "unloaded");
        var error = await Assert.ThrowsAsync<RpcException>(() =>
            Client.ModelInferAsync(AddRequests.Raw("add_override", AddRequests.Values(1, 0), 1)).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, error.StatusCode);
    }

    /// <summary>Threads of this process whose name starts with <paramref name="prefix"/> (Linux keeps 15 characters of a name).</summary>
    private static int InstanceThreads(string prefix) =>
        Directory.GetDirectories("/proc/self/task")
            .Select(task => File.Exists(Path.Combine(task, "comm")) ? SafeRead(Path.Combine(task, "comm")) : "")
            .Count(name => name.StartsWith(prefix, StringComparison.Ordinal));

    private static string SafeRead(string path)
    {
        try
        {
            return File.ReadAllText(path).TrimEnd('\n');
        }
        catch (IOException)
        {
            return ""; // the thread ended between listing and reading
        }
    }

    [Fact]
    public async Task Reload_while_requests_are_in_flight_loses_none()
    {
        await Client.RepositoryModelLoadAsync(new RepositoryModelLoadRequest { ModelName = "add_reload" });
        var baseConfig = (await Client.ModelConfigAsync(new ModelConfigRequest { Name = "add_reload" })).Config;
        using var stop = new CancellationTokenSource();
        var failures = 0;
        var completed = 0;
        var workers = Enumerable.Range(0, 6).Select(w => Task.Run(async () =>
        {
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                var values = AddRequests.Values(1 + i % 2, w * 10_000 + i);
                try
                {
                    var response = await Client.ModelInferAsync(AddRequests.Raw("add_reload", values, 1 + i % 2));
                    if (!AddRequests.PlusOne(values).SequenceEqual(AddRequests.Output(response)))
                    {
                        Interlocked.Increment(ref failures);
                    }
                    Interlocked.Increment(ref completed);
                }
                catch (RpcException)
                {
                    Interlocked.Increment(ref failures);
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
                if (reload % 2 == 0)
                {
                    config.DynamicBatching = new ModelDynamicBatching { MaxQueueDelayMicroseconds = 500 };
                }
                await Client.RepositoryModelLoadAsync(new RepositoryModelLoadRequest
                {
                    ModelName = "add_reload",
                    Parameters = { ["config"] = new ModelRepositoryParameter { StringParam = JsonFormatter.Default.Format(config) } },
                });
                // Let traffic flow on the new model before swapping again, however slow this machine is.
                await TrafficProgress.WaitForCompletionsAsync(() => Volatile.Read(ref completed), 5);
            }
        }
        finally
        {
            stop.Cancel();
            await Task.WhenAll(workers);
            await Client.RepositoryModelUnloadAsync(new RepositoryModelUnloadRequest { ModelName = "add_reload" });
        }

        Assert.Equal(0, failures);
        Assert.True(completed > 20, $"only {completed} requests completed during the reloads");
    }

    [Fact]
    public async Task Loading_a_model_not_in_the_repository_or_with_a_bad_override_fails_clearly()
    {
        var missing = await Assert.ThrowsAsync<RpcException>(() =>
            Client.RepositoryModelLoadAsync(new RepositoryModelLoadRequest { ModelName = "ghost" }).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, missing.StatusCode);
        Assert.Contains("'ghost'", missing.Status.Detail);

        var bad = await Assert.ThrowsAsync<RpcException>(() => Client.RepositoryModelLoadAsync(new RepositoryModelLoadRequest
        {
            ModelName = "add_control",
            Parameters = { ["config"] = new ModelRepositoryParameter { StringParam = "{ not json" } },
        }).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, bad.StatusCode);
        Assert.Contains("not valid ModelConfig JSON", bad.Status.Detail);

        var wrongInput = await Assert.ThrowsAsync<RpcException>(() => Client.RepositoryModelLoadAsync(new RepositoryModelLoadRequest
        {
            ModelName = "add_control",
            Parameters = { ["config"] = new ModelRepositoryParameter { StringParam = """{"name":"add_control","max_batch_size":8,"input":[{"name":"x","data_type":"TYPE_FP32","dims":[16]}]}""" } },
        }).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, wrongInput.StatusCode);
        Assert.Contains("'x'", wrongInput.Status.Detail);
        Assert.False((await Client.ModelReadyAsync(new ModelReadyRequest { Name = "add_control" })).Ready);
    }

    private async Task<ModelConfig> LoadAndGetConfigAsync(string model, string? overrideJson)
    {
        var request = new RepositoryModelLoadRequest { ModelName = model };
        if (overrideJson is not null)
        {
            request.Parameters["config"] = new ModelRepositoryParameter { StringParam = overrideJson };
        }
        await Client.RepositoryModelLoadAsync(request);
        Assert.True((await Client.ModelReadyAsync(new ModelReadyRequest { Name = model })).Ready);
        return (await Client.ModelConfigAsync(new ModelConfigRequest { Name = model })).Config;
    }
}
