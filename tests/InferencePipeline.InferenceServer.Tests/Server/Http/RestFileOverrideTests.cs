using System.Net;
using System.Text.Json.Nodes;

namespace InferencePipeline.InferenceServer.Tests.Server.Http;

[Collection(ServerCollection.Name)]
public sealed class RestFileOverrideTests(ServerFixture fixture)
{
    [Fact]
    public async Task A_model_absent_from_the_repository_loads_from_base64_files_and_infers()
    {
        const string Name = "add_rest_files";
        Assert.False(Directory.Exists(Path.Combine(fixture.Repository.Root, Name)));
        using var http = RestClient.For(fixture.Server);
        var load = await RestClient.PostJsonAsync(http, $"/v2/repository/models/{Name}/load", Body(
            ("config", OverrideFiles.ConfigJson(Name, 8)),
            ("file:1/model.onnx", Convert.ToBase64String(OverrideFiles.AddConstantModel(3)))));
        try
        {
            Assert.Equal(HttpStatusCode.OK, load.StatusCode);
            var values = AddRequests.Values(2, 9);
            var infer = await RestClient.PostJsonAsync(http, $"/v2/models/{Name}/versions/1/infer", RestClient.AddJson(values, 2));
            Assert.Equal(HttpStatusCode.OK, infer.StatusCode);
            Assert.Equal(values.Select(v => v + 3f), RestClient.Floats((await RestClient.ReadAsync(infer)).Json.GetProperty("outputs")[0]));
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync($"/v2/models/{Name}/ready")).StatusCode);
        }
        finally
        {
            await http.PostAsync($"/v2/repository/models/{Name}/unload", null);
        }
        Assert.Equal(HttpStatusCode.BadRequest, (await http.GetAsync($"/v2/models/{Name}/ready")).StatusCode);
    }

    [Fact]
    public async Task Files_without_config_traversal_and_bad_base64_are_refused()
    {
        using var http = RestClient.For(fixture.Server);
        var model = Convert.ToBase64String(OverrideFiles.AddConstantModel(1));

        var noConfig = await RestClient.PostJsonAsync(http, "/v2/repository/models/add_rest_refused/load", Body(("file:1/model.onnx", model)));
        Assert.Equal(HttpStatusCode.BadRequest, noConfig.StatusCode);
        Assert.Contains("'config' parameter", await RestClient.ErrorAsync(noConfig));

        var escaped = "escaped-" + Guid.NewGuid().ToString("N");
        var traversal = await RestClient.PostJsonAsync(http, "/v2/repository/models/add_rest_refused/load", Body(
            ("config", OverrideFiles.ConfigJson("add_rest_refused", 8)), ("file:1/model.onnx", model),
            ($"file:../../{escaped}", Convert.ToBase64String("payload"u8.ToArray()))));
        Assert.Equal(HttpStatusCode.BadRequest, traversal.StatusCode);
        Assert.Contains($"invalid file override 'file:../../{escaped}'", await RestClient.ErrorAsync(traversal));
        Assert.False(File.Exists(Path.Combine(Path.GetTempPath(), escaped)));

        var notBase64 = await RestClient.PostJsonAsync(http, "/v2/repository/models/add_rest_refused/load", Body(
            ("config", OverrideFiles.ConfigJson("add_rest_refused", 8)), ("file:1/model.onnx", "*** not base64 ***")));
        Assert.Equal(HttpStatusCode.BadRequest, notBase64.StatusCode);
        Assert.Contains("base64", await RestClient.ErrorAsync(notBase64));

        Assert.Equal(HttpStatusCode.BadRequest, (await http.GetAsync("/v2/models/add_rest_refused/ready")).StatusCode);
    }

    private static JsonObject Body(params (string Key, string Value)[] parameters)
    {
        var values = new JsonObject();
        foreach (var (key, value) in parameters)
        {
            values[key] = value;
        }
        return new JsonObject { ["parameters"] = values };
    }
}
