using System.Net;
using System.Text.Json;
using Grpc.Core;
using Inference;
using InferencePipeline.InferenceServer.Repository;
using InferencePipeline.ModelRepository;
using InferencePipeline.Onnx;
using InferencePipeline.InferenceServer.Tests.Server.Http;
using Microsoft.Extensions.Logging;

namespace InferencePipeline.InferenceServer.Tests.Server;

/// <summary>
/// A multi-version model one of whose versions cannot load. Triton (since 20.11, model_lifecycle.cc OnLoadFinal)
/// loads a model's versions all or none: the load fails naming each failed version ("version N is at UNAVAILABLE
/// state: ..."), the versions that did load are unloaded again, the index lists every tried version with its
/// reason, and a reload that fails leaves the previous versions serving.
/// </summary>
[Collection(ServerCollection.Name)]
public sealed class VersionLoadFailureTests(VersionedServerFixture fixture)
{
    private GRPCInferenceService.GRPCInferenceServiceClient Client => fixture.Client;

    [Fact]
    public async Task One_corrupt_version_fails_the_load_naming_it_and_the_index_shows_each_version_with_its_reason()
    {
        const string name = "vf_one_corrupt";
        await fixture.Repository.AddVersionedModelAsync(name, [1, 2, 3], 8, VersionedServerFixture.AllVersions);
        var corrupt = Corrupt(name, 2);
        try
        {
            var load = await Assert.ThrowsAsync<RpcException>(() =>
                Client.RepositoryModelLoadAsync(new RepositoryModelLoadRequest { ModelName = name }).ResponseAsync);

            Assert.Equal(StatusCode.InvalidArgument, load.StatusCode);
            Assert.StartsWith($"failed to load '{name}': version 2 is at UNAVAILABLE state: onnxruntime could not create a session for '{corrupt}'",
                load.Status.Detail);
            Assert.DoesNotContain("version 1 is at", load.Status.Detail);
            Assert.DoesNotContain("version 3 is at", load.Status.Detail);
            foreach (var version in new[] { "1", "2", "3", "" })
            {
                Assert.False(await ReadyAsync(name, version));
            }

            var notReady = await Assert.ThrowsAsync<RpcException>(() => Client.ModelInferAsync(Request(name, "2")).ResponseAsync);
            Assert.Equal((StatusCode.Unavailable, $"Request for unknown model: '{name}' version 2 is not at ready state"),
                (notReady.StatusCode, notReady.Status.Detail));
            var rolledBack = await Assert.ThrowsAsync<RpcException>(() => Client.ModelInferAsync(Request(name, "3")).ResponseAsync);
            Assert.Equal(StatusCode.Unavailable, rolledBack.StatusCode);
            var latest = await Assert.ThrowsAsync<RpcException>(() => Client.ModelInferAsync(Request(name, "")).ResponseAsync);
            Assert.Equal((StatusCode.NotFound, $"Request for unknown model: '{name}' has no available versions"),
                (latest.StatusCode, latest.Status.Detail));

            var rows = (await Client.RepositoryIndexAsync(new RepositoryIndexRequest())).Models.Where(m => m.Name == name)
                .Select(m => (m.Version, m.State, m.Reason)).ToArray();
            AssertRows(rows, corrupt);

            using var http = RestClient.For(fixture.Server);
            using (var index = await http.PostAsync("/v2/repository/index", null))
            {
                using var json = JsonDocument.Parse(await index.Content.ReadAsStringAsync());
                var restRows = json.RootElement.EnumerateArray().Where(e => e.GetProperty("name").GetString() == name)
                    .Select(e => (e.GetProperty("version").GetString()!, e.GetProperty("state").GetString()!, e.GetProperty("reason").GetString()!))
                    .ToArray();
                AssertRows(restRows, corrupt);
            }
            var restInfer = await RestClient.PostJsonAsync(http, $"/v2/models/{name}/versions/2/infer", RestClient.AddJson(AddRequests.Values(1, 1), 1));
            Assert.Equal(HttpStatusCode.ServiceUnavailable, restInfer.StatusCode);
            Assert.Equal($"Request for unknown model: '{name}' version 2 is not at ready state", await RestClient.ErrorAsync(restInfer));

            // Repaired, the same load brings every version up and the failure leaves no trace.
            DemoModels.WriteAddConstant(corrupt, TestModelRepository.Addend(2));
            await Client.RepositoryModelLoadAsync(new RepositoryModelLoadRequest { ModelName = name });
            foreach (var version in new[] { 1, 2, 3 })
            {
                Assert.Equal(TestModelRepository.Addend(version), await AddendAsync(name, version.ToString()));
            }
            var ready = (await Client.RepositoryIndexAsync(new RepositoryIndexRequest())).Models.Where(m => m.Name == name).ToArray();
            Assert.Equal([("1", "READY"), ("2", "READY"), ("3", "READY")], ready.Select(m => (m.Version, m.State)));
        }
        finally
        {
            await Client.RepositoryModelUnloadAsync(new RepositoryModelUnloadRequest { ModelName = name });
        }
    }

    [Fact]
    public async Task When_every_version_fails_the_load_names_each_reason()
    {
        const string name = "vf_all_broken";
        await fixture.Repository.AddVersionedModelAsync(name, [1, 2], 8, VersionedServerFixture.AllVersions);
        var corrupt = Corrupt(name, 1);
        // Version 2 is a valid model, but not the one the config describes.
        DemoModels.WriteStringIdentity(ModelRepositoryLayout.ModelPath(fixture.Repository.Root, name, 2));

        var load = await Assert.ThrowsAsync<RpcException>(() =>
            Client.RepositoryModelLoadAsync(new RepositoryModelLoadRequest { ModelName = name }).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, load.StatusCode);
        Assert.Equal(
            $"failed to load '{name}': " +
            $"version 1 is at UNAVAILABLE state: onnxruntime could not create a session for '{corrupt}'",
            load.Status.Detail[..load.Status.Detail.IndexOf(" (", StringComparison.Ordinal)]);
        Assert.EndsWith(
            $"; version 2 is at UNAVAILABLE state: config input '{DemoModels.TrivialInputName}' is not an input of the model " +
            $"(model inputs: {DemoModels.TextInputName})",
            load.Status.Detail);
        var rows = (await Client.RepositoryIndexAsync(new RepositoryIndexRequest())).Models.Where(m => m.Name == name).ToArray();
        Assert.Equal(["1", "2"], rows.Select(m => m.Version));
        Assert.All(rows, m => Assert.Equal("UNAVAILABLE", m.State));
        Assert.Contains("onnxruntime could not create a session", rows[0].Reason);
        Assert.Contains("is not an input of the model", rows[1].Reason);
    }

    [Fact]
    public async Task A_reload_whose_new_version_fails_keeps_the_previous_versions_serving()
    {
        const string name = "vf_reload";
        await fixture.Repository.AddVersionedModelAsync(name, [1, 2], 8, VersionedServerFixture.AllVersions);
        await Client.RepositoryModelLoadAsync(new RepositoryModelLoadRequest { ModelName = name });
        try
        {
            var corrupt = Corrupt(name, 3);

            var load = await Assert.ThrowsAsync<RpcException>(() =>
                Client.RepositoryModelLoadAsync(new RepositoryModelLoadRequest { ModelName = name }).ResponseAsync);

            Assert.Contains("version 3 is at UNAVAILABLE state: onnxruntime could not create a session", load.Status.Detail);
            Assert.Equal(10f, await AddendAsync(name, "1"));
            Assert.Equal(20f, await AddendAsync(name, "2"));
            Assert.Equal(20f, await AddendAsync(name, ""));
            Assert.False(await ReadyAsync(name, "3"));
            var notReady = await Assert.ThrowsAsync<RpcException>(() => Client.ModelInferAsync(Request(name, "3")).ResponseAsync);
            Assert.Equal((StatusCode.Unavailable, $"Request for unknown model: '{name}' version 3 is not at ready state"),
                (notReady.StatusCode, notReady.Status.Detail));

            var rows = (await Client.RepositoryIndexAsync(new RepositoryIndexRequest())).Models.Where(m => m.Name == name).ToArray();
            Assert.Equal([("1", "READY"), ("2", "READY"), ("3", "UNAVAILABLE")], rows.Select(m => (m.Version, m.State)));
            Assert.StartsWith("reload failed, still serving the previous load: ", rows[0].Reason);
            Assert.StartsWith($"onnxruntime could not create a session for '{corrupt}'", rows[2].Reason);
        }
        finally
        {
            await Client.RepositoryModelUnloadAsync(new RepositoryModelUnloadRequest { ModelName = name });
        }
    }

    [Fact]
    public async Task When_the_newest_version_fails_completion_comes_from_the_newest_that_loads_and_each_failure_is_logged_once()
    {
        const string name = "vf_complete";
        // No inputs or outputs in the config: they come from the newest model that loads.
        await fixture.Repository.AddVersionedModelAsync(name, [1, 2, 3], 8, c =>
        {
            VersionedServerFixture.AllVersions(c);
            c.Input.Clear();
            c.Output.Clear();
        });
        Corrupt(name, 3);
        var logger = new RecordingLogger<ModelLoader>();
        var loader = new ModelLoader(new InferenceServerOptions { ModelRepository = fixture.Repository.Root }, logger);

        var failed = Assert.Throws<ModelVersionsLoadException>(() => loader.Load(name, modelOverride: null));

        // Versions 2 and 1 completed and checked against version 2's model: only version 3 failed.
        Assert.Equal([3L], failed.Failures.Select(f => f.Version));
        Assert.Equal([3L, 2L, 1L], failed.Selected);
        var warning = Assert.Single(logger.Entries, e => e.Level == LogLevel.Warning).Message;
        Assert.StartsWith($"Model {name} version 3 failed to load: onnxruntime could not create a session", warning);

        // The same versions without the corrupt one load, completed from version 2.
        Directory.Delete(ModelRepositoryLayout.VersionDirectory(fixture.Repository.Root, name, 3), recursive: true);
        var versions = loader.Load(name, modelOverride: null);
        try
        {
            Assert.Equal(["1", "2"], versions.All.Select(v => v.Definition.Version));
            Assert.Equal([DemoModels.TrivialInputName], versions.Latest.Definition.InputNames);
        }
        finally
        {
            versions.Retire();
            await Task.WhenAll(versions.All.Select(v => v.Released));
        }
    }

    private static void AssertRows((string Version, string State, string Reason)[] rows, string corrupt)
    {
        Assert.Equal(["1", "2", "3"], rows.Select(r => r.Version));
        Assert.All(rows, r => Assert.Equal("UNAVAILABLE", r.State));
        Assert.StartsWith($"onnxruntime could not create a session for '{corrupt}'", rows[1].Reason);
        foreach (var loaded in new[] { rows[0], rows[2] })
        {
            Assert.Equal("unloaded: version 2 of the same load failed, and a model's versions load all or none (as in Triton)", loaded.Reason);
        }
    }

    /// <summary>Overwrites the version's model.onnx with bytes that are no ONNX model; returns its path.</summary>
    private string Corrupt(string name, int version)
    {
        var path = ModelRepositoryLayout.ModelPath(fixture.Repository.Root, name, version);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, "this is not an ONNX model");
        return Path.GetFullPath(path);
    }

    private async Task<float> AddendAsync(string model, string version)
    {
        var response = await Client.ModelInferAsync(Request(model, version));
        var input = AddRequests.Values(1, 3);
        return AddRequests.Output(response)[0] - input[0];
    }

    private static ModelInferRequest Request(string model, string version)
    {
        var request = AddRequests.Raw(model, AddRequests.Values(1, 3), 1);
        request.ModelVersion = version;
        return request;
    }

    private async Task<bool> ReadyAsync(string model, string version) =>
        (await Client.ModelReadyAsync(new ModelReadyRequest { Name = model, Version = version })).Ready;
}
