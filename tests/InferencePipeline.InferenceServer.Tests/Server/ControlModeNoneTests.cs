using Grpc.Core;
using Grpc.Net.Client;
using Inference;

namespace InferencePipeline.InferenceServer.Tests.Server;

public sealed class ControlModeNoneTests
{
    [Fact]
    public async Task Mode_none_loads_every_model_and_refuses_load_and_unload()
    {
        using var repository = new TestModelRepository();
        await repository.AddModelAsync("first", 4);
        await repository.AddModelAsync("second", 0, c => { c.Input[0].Dims[0] = 1; c.Output[0].Dims[0] = 1; });
        await using var server = await EmbeddedInferenceServer.StartAsync(new InferenceServerOptions
        {
            ModelRepository = repository.Root,
            ControlMode = ModelControlMode.None,
        });
        using var channel = GrpcChannel.ForAddress(server.GrpcAddress);
        var client = new GRPCInferenceService.GRPCInferenceServiceClient(channel);

        Assert.True((await client.ModelReadyAsync(new ModelReadyRequest { Name = "first" })).Ready);
        Assert.True((await client.ModelReadyAsync(new ModelReadyRequest { Name = "second" })).Ready);
        var error = await Assert.ThrowsAsync<RpcException>(() =>
            client.RepositoryModelUnloadAsync(new RepositoryModelUnloadRequest { ModelName = "first" }).ResponseAsync);
        Assert.Equal(StatusCode.Unavailable, error.StatusCode);
        Assert.Contains("explicit", error.Status.Detail);
        Assert.True((await client.ModelReadyAsync(new ModelReadyRequest { Name = "first" })).Ready);
    }

    [Fact]
    public async Task Missing_repository_fails_start_with_its_path()
    {
        var path = Path.Combine(Path.GetTempPath(), "no-such-repo-" + Guid.NewGuid().ToString("N"));
        var error = await Assert.ThrowsAsync<DirectoryNotFoundException>(() =>
            EmbeddedInferenceServer.StartAsync(new InferenceServerOptions { ModelRepository = path }));
        Assert.Contains(path, error.Message);
    }

    [Fact]
    public async Task A_broken_model_fails_the_start_naming_it_unless_exit_on_error_is_off()
    {
        using var repository = new TestModelRepository();
        await repository.AddModelAsync("good", 4);
        await repository.AddModelAsync("broken", 4);
        await File.WriteAllTextAsync(InferencePipeline.ModelRepository.ModelRepositoryLayout.ConfigPath(repository.Root, "broken"), "max_batch_size: [");

        // tritonserver's default: a model that cannot load at start fails the start.
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => StartAsync(repository, exitOnError: true));
        Assert.Contains("'broken'", error.Message);
        Assert.Contains("--exit-on-error", error.Message);
        Assert.DoesNotContain("'good'", error.Message);

        await using var server = await StartAsync(repository, exitOnError: false);
        using var channel = GrpcChannel.ForAddress(server.GrpcAddress);
        var client = new GRPCInferenceService.GRPCInferenceServiceClient(channel);
        Assert.True((await client.ModelReadyAsync(new ModelReadyRequest { Name = "good" })).Ready);
        var index = await client.RepositoryIndexAsync(new RepositoryIndexRequest());
        var broken = Assert.Single(index.Models, m => m.Name == "broken");
        Assert.Equal("UNAVAILABLE", broken.State);
        Assert.Contains("config.pbtxt", broken.Reason);
    }

    [Fact]
    public async Task At_start_a_model_counts_once_and_is_loaded_when_its_versions_are_ready()
    {
        using var repository = new TestModelRepository();
        await repository.AddVersionedModelAsync("multi_good", [1, 2, 3], 8, VersionedServerFixture.AllVersions);
        await repository.AddVersionedModelAsync("multi_broken", [1, 2, 3], 8, VersionedServerFixture.AllVersions);
        await File.WriteAllTextAsync(InferencePipeline.ModelRepository.ModelRepositoryLayout.ModelPath(repository.Root, "multi_broken", 2), "not ONNX");

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => StartAsync(repository, exitOnError: true));
        // One model failed, though the index has a row for each of its three versions.
        Assert.StartsWith("1 model(s) failed to load and --exit-on-error is true: 'multi_broken': ", error.Message);
        Assert.Contains("version 2: onnxruntime could not create a session", error.Message);
        Assert.DoesNotContain("'multi_good'", error.Message);

        await using var server = await StartAsync(repository, exitOnError: false);
        using var channel = GrpcChannel.ForAddress(server.GrpcAddress);
        var client = new GRPCInferenceService.GRPCInferenceServiceClient(channel);
        foreach (var version in new[] { "1", "2", "3" })
        {
            Assert.True((await client.ModelReadyAsync(new ModelReadyRequest { Name = "multi_good", Version = version })).Ready);
            Assert.False((await client.ModelReadyAsync(new ModelReadyRequest { Name = "multi_broken", Version = version })).Ready);
        }
        var index = await client.RepositoryIndexAsync(new RepositoryIndexRequest());
        Assert.Equal([("1", "UNAVAILABLE"), ("2", "UNAVAILABLE"), ("3", "UNAVAILABLE")],
            index.Models.Where(m => m.Name == "multi_broken").Select(m => (m.Version, m.State)));
    }

    /// <summary>The server in control mode none over <paramref name="repository"/>: every model loads at start.</summary>
    private static Task<EmbeddedInferenceServer> StartAsync(TestModelRepository repository, bool exitOnError) =>
        EmbeddedInferenceServer.StartAsync(new InferenceServerOptions
        {
            ModelRepository = repository.Root,
            ControlMode = ModelControlMode.None,
            ExitOnError = exitOnError,
        });
}
