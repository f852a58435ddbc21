using System.Net;
using System.Text.Json;
using Inference;

namespace InferencePipeline.InferenceServer.Tests.Server;

[Collection(ServerCollection.Name)]
public sealed class HealthAndMetadataTests(ServerFixture fixture)
{
    private GRPCInferenceService.GRPCInferenceServiceClient Client => fixture.Client;

    [Fact]
    public async Task Server_is_live_and_ready_and_describes_itself()
    {
        Assert.True((await Client.ServerLiveAsync(new ServerLiveRequest())).Live);
        Assert.True((await Client.ServerReadyAsync(new ServerReadyRequest())).Ready);
        var metadata = await Client.ServerMetadataAsync(new ServerMetadataRequest());
        Assert.False(string.IsNullOrEmpty(metadata.Name));
        Assert.Contains("model_repository", metadata.Extensions);
        Assert.Contains("statistics", metadata.Extensions);
    }

    [Fact]
    public async Task ModelReady_is_true_for_loaded_models_only()
    {
        Assert.True((await Client.ModelReadyAsync(new ModelReadyRequest { Name = "add" })).Ready);
        Assert.True((await Client.ModelReadyAsync(new ModelReadyRequest { Name = "add", Version = "1" })).Ready);
        Assert.False((await Client.ModelReadyAsync(new ModelReadyRequest { Name = "add", Version = "7" })).Ready);
        Assert.False((await Client.ModelReadyAsync(new ModelReadyRequest { Name = "add_control" })).Ready);
        Assert.False((await Client.ModelReadyAsync(new ModelReadyRequest { Name = "nope" })).Ready);
    }

    [Fact]
    public async Task ModelMetadata_shows_batch_dimension_as_minus_one()
    {
        var metadata = await Client.ModelMetadataAsync(new ModelMetadataRequest { Name = "add" });
        Assert.Equal("add", metadata.Name);
        Assert.Equal(["1"], metadata.Versions);
        var input = Assert.Single(metadata.Inputs);
        Assert.Equal(("INPUT0", "FP32"), (input.Name, input.Datatype));
        Assert.Equal([-1L, 16L], input.Shape);
        Assert.Equal([-1L, 16L], Assert.Single(metadata.Outputs).Shape);

        var unbatched = await Client.ModelMetadataAsync(new ModelMetadataRequest { Name = "add_nobatch" });
        Assert.Equal([-1L, 16L], unbatched.Inputs[0].Shape);
    }

    [Fact]
    public async Task ModelConfig_returns_the_repository_config()
    {
        var config = (await Client.ModelConfigAsync(new ModelConfigRequest { Name = "add_batched" })).Config;
        Assert.Equal("add_batched", config.Name);
        Assert.Equal(32, config.MaxBatchSize);
        Assert.Equal([16, 32], config.DynamicBatching.PreferredBatchSize);
        Assert.Equal(2, config.InstanceGroup[0].Count);
        Assert.Equal([16L], config.Input[0].Dims);
    }

    [Fact]
    public async Task RepositoryIndex_lists_loaded_and_unloaded_models()
    {
        var all = await Client.RepositoryIndexAsync(new RepositoryIndexRequest());
        Assert.Contains(all.Models, m => m.Name == "add_nobatch" && m.State == "READY" && m.Version == "1");
        Assert.Contains(all.Models, m => m.Name == "add_control");
        var ready = await Client.RepositoryIndexAsync(new RepositoryIndexRequest { Ready = true });
        Assert.All(ready.Models, m => Assert.Equal("READY", m.State));
        Assert.Contains(ready.Models, m => m.Name == "add");
    }

    [Fact]
    public async Task Rest_health_and_metadata_endpoints_answer()
    {
        using var http = new HttpClient { BaseAddress = fixture.Server.HttpAddress };
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/v2/health/live")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/v2/health/ready")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/v2/models/add/ready")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await http.GetAsync("/v2/models/add_control/ready")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/v2/models/nope")).StatusCode);

        using var metadata = JsonDocument.Parse(await http.GetStringAsync("/v2/models/add"));
        Assert.Equal("add", metadata.RootElement.GetProperty("name").GetString());
        var input = metadata.RootElement.GetProperty("inputs")[0];
        Assert.Equal("FP32", input.GetProperty("datatype").GetString());
        Assert.Equal([-1L, 16L], input.GetProperty("shape").EnumerateArray().Select(e => e.GetInt64()));
    }
}
