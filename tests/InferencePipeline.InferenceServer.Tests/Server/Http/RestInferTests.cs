using System.Net;
using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using Inference;

namespace InferencePipeline.InferenceServer.Tests.Server.Http;

[Collection(ServerCollection.Name)]
public sealed class RestInferTests(ServerFixture fixture)
{
    [Fact]
    public async Task Json_infer_gives_the_same_numbers_as_grpc()
    {
        using var http = RestClient.For(fixture.Server);
        var values = AddRequests.Values(2, 3);
        var grpc = AddRequests.Output(await fixture.Client.ModelInferAsync(AddRequests.Raw("add", values, 2)));

        using var response = await RestClient.PostJsonAsync(http, "/v2/models/add/infer", RestClient.AddJson(values, 2));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var (json, binary) = await RestClient.ReadAsync(response);
        Assert.Empty(binary);
        Assert.Equal("add", json.GetProperty("model_name").GetString());
        Assert.Equal("1", json.GetProperty("model_version").GetString());
        Assert.Equal("rest-1", json.GetProperty("id").GetString());
        var output = Assert.Single(json.GetProperty("outputs").EnumerateArray());
        Assert.Equal("OUTPUT0", output.GetProperty("name").GetString());
        Assert.Equal("FP32", output.GetProperty("datatype").GetString());
        Assert.Equal([2L, 16L], output.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()));
        Assert.Equal(grpc, RestClient.Floats(output));
        Assert.Equal(AddRequests.PlusOne(values), RestClient.Floats(output));
    }

    [Fact]
    public async Task Nested_json_data_is_read_row_major_on_the_version_route()
    {
        using var http = RestClient.For(fixture.Server);
        var values = AddRequests.Values(2, 4);
        var body = RestClient.AddJson(values, 2);
        body["inputs"]![0]!["data"] = new JsonArray(
            new JsonArray(values[..16].Select(v => (JsonNode)v).ToArray()),
            new JsonArray(values[16..].Select(v => (JsonNode)v).ToArray()));

        using var response = await RestClient.PostJsonAsync(http, "/v2/models/add/versions/1/infer", body);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var (json, _) = await RestClient.ReadAsync(response);
        Assert.Equal(AddRequests.PlusOne(values), RestClient.Floats(json.GetProperty("outputs")[0]));
    }

    [Fact]
    public async Task Binary_input_with_binary_data_output_answers_in_binary()
    {
        using var http = RestClient.For(fixture.Server);
        var values = AddRequests.Values(3, 5);
        var header = new JsonObject
        {
            ["inputs"] = new JsonArray(new JsonObject
            {
                ["name"] = "INPUT0", ["shape"] = new JsonArray(3, 16), ["datatype"] = "FP32",
                ["parameters"] = new JsonObject { ["binary_data_size"] = values.Length * 4 },
            }),
            ["parameters"] = new JsonObject { ["binary_data_output"] = true },
        };

        using var response = await RestClient.PostBinaryAsync(http, "/v2/models/add_batched/infer", header, RestClient.Bytes(values));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/octet-stream", response.Content.Headers.ContentType?.MediaType);
        var (json, binary) = await RestClient.ReadAsync(response);
        var output = json.GetProperty("outputs")[0];
        Assert.False(output.TryGetProperty("data", out _));
        Assert.Equal(values.Length * 4, output.GetProperty("parameters").GetProperty("binary_data_size").GetInt32());
        Assert.Equal(AddRequests.PlusOne(values), MemoryMarshal.Cast<byte, float>(binary).ToArray());
    }

    [Fact]
    public async Task Json_input_with_one_binary_output_requested_by_name()
    {
        using var http = RestClient.For(fixture.Server);
        var values = AddRequests.Values(1, 6);
        var body = RestClient.AddJson(values, 1);
        body["outputs"] = new JsonArray(new JsonObject
        {
            ["name"] = "OUTPUT0", ["parameters"] = new JsonObject { ["binary_data"] = true },
        });

        using var response = await RestClient.PostJsonAsync(http, "/v2/models/add/infer", body);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var (json, binary) = await RestClient.ReadAsync(response);
        Assert.Equal(64, json.GetProperty("outputs")[0].GetProperty("parameters").GetProperty("binary_data_size").GetInt32());
        Assert.Equal(AddRequests.PlusOne(values), MemoryMarshal.Cast<byte, float>(binary).ToArray());
    }

    [Fact]
    public async Task Gzip_compressed_binary_request_is_inflated_before_parsing()
    {
        using var http = RestClient.For(fixture.Server);
        var values = AddRequests.Values(2, 7);
        var header = new JsonObject
        {
            ["inputs"] = new JsonArray(new JsonObject
            {
                ["name"] = "INPUT0", ["shape"] = new JsonArray(2, 16), ["datatype"] = "FP32",
                ["parameters"] = new JsonObject { ["binary_data_size"] = values.Length * 4 },
            }),
        };
        var json = System.Text.Encoding.UTF8.GetBytes(header.ToJsonString());
        using var compressed = new MemoryStream();
        using (var gzip = new System.IO.Compression.GZipStream(compressed, System.IO.Compression.CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(json);
            gzip.Write(RestClient.Bytes(values));
        }
        var content = new ByteArrayContent(compressed.ToArray());
        content.Headers.ContentEncoding.Add("gzip");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v2/models/add/infer") { Content = content };
        request.Headers.Add(RestClient.HeaderLength, json.Length.ToString(System.Globalization.CultureInfo.InvariantCulture));

        using var response = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var (output, _) = await RestClient.ReadAsync(response);
        Assert.Equal(AddRequests.PlusOne(values), RestClient.Floats(output.GetProperty("outputs")[0]));

        var corrupt = new ByteArrayContent([1, 2, 3, 4]);
        corrupt.Headers.ContentEncoding.Add("gzip");
        using var bad = await http.PostAsync("/v2/models/add/infer", corrupt);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("not valid gzip data", await RestClient.ErrorAsync(bad));
    }

    [Fact]
    public async Task Wrong_shape_datatype_name_or_element_count_is_a_400_naming_the_problem()
    {
        using var http = RestClient.For(fixture.Server);
        var values = AddRequests.Values(1, 0);

        var shape = await RestClient.PostJsonAsync(http, "/v2/models/add/infer",
            RestClient.AddJson(values, 1, shape: [2, 8]));
        Assert.Equal(HttpStatusCode.BadRequest, shape.StatusCode);
        Assert.Contains("unexpected shape for input 'INPUT0' for model 'add'. Expected [-1,16], got [2,8]", await RestClient.ErrorAsync(shape));

        var datatype = await RestClient.PostJsonAsync(http, "/v2/models/add/infer",
            RestClient.AddJson(values.Select(v => MathF.Round(v)).ToArray(), 1, datatype: "INT32"));
        Assert.Equal(HttpStatusCode.BadRequest, datatype.StatusCode);
        Assert.Contains("inference input 'INPUT0' data-type is 'INT32', but model 'add' expects 'FP32'", await RestClient.ErrorAsync(datatype));

        var name = await RestClient.PostJsonAsync(http, "/v2/models/add/infer", RestClient.AddJson(values, 1, input: "WRONG"));
        Assert.Equal(HttpStatusCode.BadRequest, name.StatusCode);
        Assert.Contains("unexpected inference input 'WRONG' for model 'add'", await RestClient.ErrorAsync(name));

        var count = await RestClient.PostJsonAsync(http, "/v2/models/add/infer", RestClient.AddJson(values[..10], 1));
        Assert.Equal(HttpStatusCode.BadRequest, count.StatusCode);
        Assert.Contains("expected 16 for shape [1,16], got 10", await RestClient.ErrorAsync(count));

        var notNumbers = RestClient.AddJson(values, 1);
        notNumbers["inputs"]![0]!["data"]![0] = "one";
        var parse = await RestClient.PostJsonAsync(http, "/v2/models/add/infer", notNumbers);
        Assert.Equal(HttpStatusCode.BadRequest, parse.StatusCode);
        Assert.Contains("\"one\" is not a valid FP32 value", await RestClient.ErrorAsync(parse));

        var malformed = await http.PostAsync("/v2/models/add/infer", new StringContent("{ \"inputs\": [", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        Assert.Contains("failed to parse the request JSON", await RestClient.ErrorAsync(malformed));
    }

    [Fact]
    public async Task Binary_sizes_that_do_not_match_the_body_are_refused()
    {
        using var http = RestClient.For(fixture.Server);
        var header = new JsonObject
        {
            ["inputs"] = new JsonArray(new JsonObject
            {
                ["name"] = "INPUT0", ["shape"] = new JsonArray(1, 16), ["datatype"] = "FP32",
                ["parameters"] = new JsonObject { ["binary_data_size"] = 64 },
            }),
        };

        var shortBody = await RestClient.PostBinaryAsync(http, "/v2/models/add/infer", header, new byte[32]);
        Assert.Equal(HttpStatusCode.BadRequest, shortBody.StatusCode);
        Assert.Contains("binary_data_size 64 but only 32 bytes", await RestClient.ErrorAsync(shortBody));

        var extra = await RestClient.PostBinaryAsync(http, "/v2/models/add/infer", header, new byte[96]);
        Assert.Equal(HttpStatusCode.BadRequest, extra.StatusCode);
        Assert.Contains("32 bytes of binary data after the inputs", await RestClient.ErrorAsync(extra));

        header["inputs"]![0]!["parameters"]!["binary_data_size"] = 32;
        var wrongSize = await RestClient.PostBinaryAsync(http, "/v2/models/add/infer", header, new byte[32]);
        Assert.Equal(HttpStatusCode.BadRequest, wrongSize.StatusCode);
        Assert.Contains("has 32 bytes of raw data, expected 64", await RestClient.ErrorAsync(wrongSize));
    }

    [Fact]
    public async Task Oversize_requests_are_refused_before_their_tensors_are_allocated()
    {
        using var http = RestClient.For(fixture.Server);
        var huge = await RestClient.PostJsonAsync(http, "/v2/models/add/infer", RestClient.AddJson([1f], 1, shape: [5000, 16]));
        Assert.Equal(HttpStatusCode.BadRequest, huge.StatusCode);
        Assert.Contains("needs more bytes than the server's MaxRequestBytes", await RestClient.ErrorAsync(huge));

        var header = new JsonObject { ["inputs"] = new JsonArray() };
        var body = await RestClient.PostBinaryAsync(http, "/v2/models/add/infer", header, new byte[ServerFixture.MaxRequestBytes * 4 + 2 * 1024 * 1024]);
        Assert.Equal(HttpStatusCode.BadRequest, body.StatusCode);
        Assert.Contains("exceeds the server's limit", await RestClient.ErrorAsync(body));
    }

    [Fact]
    public async Task Unknown_model_or_version_is_a_404()
    {
        using var http = RestClient.For(fixture.Server);
        var body = RestClient.AddJson(AddRequests.Values(1, 0), 1);

        var model = await RestClient.PostJsonAsync(http, "/v2/models/nope/infer", body);
        Assert.Equal(HttpStatusCode.NotFound, model.StatusCode);
        Assert.Contains("unknown model: 'nope'", await RestClient.ErrorAsync(model));

        var version = await RestClient.PostJsonAsync(http, "/v2/models/add/versions/9/infer", body);
        Assert.Equal(HttpStatusCode.NotFound, version.StatusCode);
        Assert.Contains("'add' version 9", await RestClient.ErrorAsync(version));
    }

    [Fact]
    public async Task Rest_and_grpc_requests_are_counted_in_the_same_statistics()
    {
        using var http = RestClient.For(fixture.Server);
        var before = (await fixture.Client.ModelStatisticsAsync(new ModelStatisticsRequest { Name = "add_nobatch" })).ModelStats[0];
        var body = RestClient.AddJson(AddRequests.Values(1, 1), 1, shape: [1, 16]);
        Assert.Equal(HttpStatusCode.OK, (await RestClient.PostJsonAsync(http, "/v2/models/add_nobatch/infer", body)).StatusCode);
        var after = (await fixture.Client.ModelStatisticsAsync(new ModelStatisticsRequest { Name = "add_nobatch" })).ModelStats[0];
        Assert.Equal(before.InferenceStats.Success.Count + 1, after.InferenceStats.Success.Count);
    }
}
