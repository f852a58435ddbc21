using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Google.Protobuf;
using Inference;

namespace InferencePipeline.InferenceServer.Tests.Server.Http;

[Collection(ServerCollection.Name)]
public sealed class RestModelControlTests(ServerFixture fixture)
{
    [Fact]
    public async Task Server_metadata_names_the_binary_extension()
    {
        using var http = RestClient.For(fixture.Server);
        using var document = JsonDocument.Parse(await http.GetStringAsync("/v2"));
        Assert.False(string.IsNullOrEmpty(document.RootElement.GetProperty("name").GetString()));
        var extensions = document.RootElement.GetProperty("extensions").EnumerateArray().Select(e => e.GetString()).ToArray();
        Assert.Contains("binary_tensor_data", extensions);
        Assert.Contains("statistics", extensions);
    }

    [Fact]
    public async Task Config_is_the_model_config_as_json_with_proto_field_names()
    {
        using var http = RestClient.For(fixture.Server);
        var text = await http.GetStringAsync("/v2/models/add_batched/config");
        var config = new JsonParser(JsonParser.Settings.Default).Parse<ModelConfig>(text);
        Assert.Equal("add_batched", config.Name);
        Assert.Equal(32, config.MaxBatchSize);
        Assert.Equal([16, 32], config.DynamicBatching.PreferredBatchSize);
        using var document = JsonDocument.Parse(text);
        Assert.Equal(32, document.RootElement.GetProperty("max_batch_size").GetInt32());
        // 64-bit fields come as JSON numbers, as Triton shows them, not as protobuf's JSON strings.
        var dims = document.RootElement.GetProperty("input")[0].GetProperty("dims");
        Assert.Equal(JsonValueKind.Number, dims[0].ValueKind);
        Assert.Equal(16, dims[0].GetInt64());
        Assert.Equal(20_000, document.RootElement.GetProperty("dynamic_batching").GetProperty("max_queue_delay_microseconds").GetInt64());

        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/v2/models/add_batched/versions/1/config")).StatusCode);
        var missing = await http.GetAsync("/v2/models/nope/config");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Contains("'nope'", await RestClient.ErrorAsync(missing));
    }

    [Fact]
    public async Task Stats_have_tritons_shape_and_count_rest_requests()
    {
        using var http = RestClient.For(fixture.Server);
        var before = await StatsAsync(http, "/v2/models/add/stats");
        var body = RestClient.AddJson(AddRequests.Values(3, 2), 3);
        Assert.Equal(HttpStatusCode.OK, (await RestClient.PostJsonAsync(http, "/v2/models/add/infer", body)).StatusCode);
        var after = await StatsAsync(http, "/v2/models/add/stats");

        var model = Assert.Single(after.GetProperty("model_stats").EnumerateArray());
        Assert.Equal("add", model.GetProperty("name").GetString());
        Assert.Equal("1", model.GetProperty("version").GetString());
        var success = model.GetProperty("inference_stats").GetProperty("success");
        Assert.Equal(Count(before, "success") + 1, success.GetProperty("count").GetUInt64());
        Assert.True(success.GetProperty("ns").GetUInt64() > 0);
        Assert.Equal(Inferences(before) + 3, model.GetProperty("inference_count").GetUInt64());
        Assert.Contains(model.GetProperty("batch_stats").EnumerateArray(), b => b.GetProperty("batch_size").GetInt32() == 3);

        var all = await StatsAsync(http, "/v2/models/stats");
        var names = all.GetProperty("model_stats").EnumerateArray().Select(m => m.GetProperty("name").GetString()).ToArray();
        Assert.Contains("add", names);
        Assert.Contains("add_batched", names);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/v2/models/add/versions/1/stats")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/v2/models/nope/stats")).StatusCode);
    }

    [Fact]
    public async Task Index_load_with_config_override_and_unload_over_rest()
    {
        // A model only this test uses, so its load state cannot disturb the gRPC repository tests.
        await fixture.Repository.AddModelAsync("add_rest", 8);
        using var http = RestClient.For(fixture.Server);

        var index = await IndexAsync(http, null);
        var entry = Assert.Single(index, e => e.GetProperty("name").GetString() == "add_rest");
        Assert.False(entry.TryGetProperty("state", out _));

        var config = (await fixture.Client.ModelConfigAsync(new ModelConfigRequest { Name = "add" })).Config.Clone();
        config.Name = "add_rest";
        config.InstanceGroup[0].Count = 2;
        var load = new JsonObject { ["parameters"] = new JsonObject { ["config"] = JsonFormatter.Default.Format(config) } };
        try
        {
            var loaded = await RestClient.PostJsonAsync(http, "/v2/repository/models/add_rest/load", load);
            Assert.Equal(HttpStatusCode.OK, loaded.StatusCode);
            using (var configJson = JsonDocument.Parse(await http.GetStringAsync("/v2/models/add_rest/config")))
            {
                Assert.Equal(2, configJson.RootElement.GetProperty("instance_group")[0].GetProperty("count").GetInt32());
            }
            var values = AddRequests.Values(1, 8);
            var infer = await RestClient.PostJsonAsync(http, "/v2/models/add_rest/infer", RestClient.AddJson(values, 1));
            Assert.Equal(AddRequests.PlusOne(values), RestClient.Floats((await RestClient.ReadAsync(infer)).Json.GetProperty("outputs")[0]));

            var ready = await IndexAsync(http, new JsonObject { ["ready"] = true });
            Assert.Contains(ready, e => e.GetProperty("name").GetString() == "add_rest" && e.GetProperty("state").GetString() == "READY");
            Assert.DoesNotContain(ready, e => e.GetProperty("name").GetString() == "add_control");
        }
        finally
        {
            Assert.Equal(HttpStatusCode.OK, (await http.PostAsync("/v2/repository/models/add_rest/unload", null)).StatusCode);
        }

        Assert.Equal(HttpStatusCode.BadRequest, (await http.GetAsync("/v2/models/add_rest/ready")).StatusCode);
        var after = await IndexAsync(http, null);
        Assert.Contains(after, e => e.GetProperty("name").GetString() == "add_rest" && e.GetProperty("state").GetString() == "UNAVAILABLE");
        var gone = await RestClient.PostJsonAsync(http, "/v2/models/add_rest/infer", RestClient.AddJson(AddRequests.Values(1, 0), 1));
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
    }

    [Fact]
    public async Task Loading_an_unknown_model_or_a_bad_override_fails_clearly()
    {
        using var http = RestClient.For(fixture.Server);
        var ghost = await http.PostAsync("/v2/repository/models/ghost/load", null);
        Assert.Equal(HttpStatusCode.NotFound, ghost.StatusCode);
        Assert.Contains("'ghost'", await RestClient.ErrorAsync(ghost));

        var bad = await RestClient.PostJsonAsync(http, "/v2/repository/models/add_control/load",
            new JsonObject { ["parameters"] = new JsonObject { ["config"] = "{ not json" } });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("not valid ModelConfig JSON", await RestClient.ErrorAsync(bad));

        var body = await http.PostAsync("/v2/repository/index", new StringContent("[", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, body.StatusCode);
        Assert.False((await fixture.Client.ModelReadyAsync(new ModelReadyRequest { Name = "add_control" })).Ready);
    }

    private static async Task<JsonElement[]> IndexAsync(HttpClient http, JsonNode? body)
    {
        using var response = body is null
            ? await http.PostAsync("/v2/repository/index", null)
            : await RestClient.PostJsonAsync(http, "/v2/repository/index", body);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return document.RootElement.EnumerateArray().Select(e => e.Clone()).ToArray();
    }

    private static async Task<JsonElement> StatsAsync(HttpClient http, string path)
    {
        using var document = JsonDocument.Parse(await http.GetStringAsync(path));
        return document.RootElement.Clone();
    }

    private static ulong Count(JsonElement stats, string kind) =>
        stats.GetProperty("model_stats")[0].GetProperty("inference_stats").GetProperty(kind).GetProperty("count").GetUInt64();

    private static ulong Inferences(JsonElement stats) =>
        stats.GetProperty("model_stats")[0].GetProperty("inference_count").GetUInt64();
}
