using System.Net;
using System.Text.Json;

namespace InferencePipeline.InferenceServer.Tests.Server.Http;

[Collection(ServerCollection.Name)]
public sealed class RestVersionPolicyTests(VersionedServerFixture fixture)
{
    [Fact]
    public async Task Versions_route_over_rest_and_metadata_lists_them()
    {
        using var http = RestClient.For(fixture.Server);
        var values = AddRequests.Values(1, 4);
        foreach (var (path, addend) in new[] { ("/v2/models/v_all/versions/1/infer", 10f), ("/v2/models/v_all/versions/2/infer", 20f),
                     ("/v2/models/v_all/infer", 30f) })
        {
            var response = await RestClient.PostJsonAsync(http, path, RestClient.AddJson(values, 1));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var (json, _) = await RestClient.ReadAsync(response);
            Assert.Equal(values.Select(v => v + addend), RestClient.Floats(json.GetProperty("outputs")[0]));
        }

        var unknown = await RestClient.PostJsonAsync(http, "/v2/models/v_specific/versions/2/infer", RestClient.AddJson(values, 1));
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("Request for unknown model: 'v_specific' version 2 is not found", await RestClient.ErrorAsync(unknown));

        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/v2/models/v_specific/versions/3/ready")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await http.GetAsync("/v2/models/v_specific/versions/2/ready")).StatusCode);
        using var metadata = JsonDocument.Parse(await http.GetStringAsync("/v2/models/v_specific"));
        Assert.Equal(["1", "3"], metadata.RootElement.GetProperty("versions").EnumerateArray().Select(v => v.GetString()));
        using var stats = JsonDocument.Parse(await http.GetStringAsync("/v2/models/v_latest2/stats"));
        Assert.Equal(["2", "3"], stats.RootElement.GetProperty("model_stats").EnumerateArray().Select(m => m.GetProperty("version").GetString()));
    }
}
