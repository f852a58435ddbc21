using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using InferencePipeline.Onnx;

namespace InferencePipeline.InferenceServer.Tests.Server.Http;

/// <summary>
/// BYTES over REST v2: JSON "data" as strings (UTF-8 text only), Triton's binary extension in the length-prefixed
/// serialization (any bytes), and the refusals, including output bytes that a JSON string cannot carry.
/// </summary>
[Collection(BytesServerCollection.Name)]
public sealed class RestBytesTests(BytesServerFixture fixture)
{
    private static JsonObject TextJson(JsonNode data, long[] shape) => new()
    {
        ["id"] = "text-1",
        ["inputs"] = new JsonArray(new JsonObject
        {
            ["name"] = DemoModels.TextInputName,
            ["shape"] = new JsonArray(shape.Select(d => (JsonNode)d).ToArray()),
            ["datatype"] = "BYTES",
            ["data"] = data,
        }),
    };

    private static JsonArray Strings(params string[] values) => new(values.Select(v => (JsonNode)v).ToArray());

    [Fact]
    public async Task Json_strings_in_come_back_as_json_strings_nested_or_flat()
    {
        using var http = RestClient.For(fixture.Server);
        string[] values = ["hello", "héllo wörld", "日本語", "", "quote \" and \\ and \n", "z"];
        var nested = new JsonArray(Strings(values[0], values[1]), Strings(values[2], values[3]), Strings(values[4], values[5]));

        using var response = await RestClient.PostJsonAsync(http, "/v2/models/text/infer", TextJson(nested, [3, 2]));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var (json, binary) = await RestClient.ReadAsync(response);
        Assert.Empty(binary);
        var output = Assert.Single(json.GetProperty("outputs").EnumerateArray());
        Assert.Equal("BYTES", output.GetProperty("datatype").GetString());
        Assert.Equal([3L, 2L], output.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()));
        Assert.Equal(values, output.GetProperty("data").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public async Task Binary_bytes_in_and_out_keep_bytes_that_are_not_utf8()
    {
        using var http = RestClient.For(fixture.Server);
        var values = BytesRequests.Values(2, 9);
        var data = BytesRequests.Serialize(values);
        var header = new JsonObject
        {
            ["inputs"] = new JsonArray(new JsonObject
            {
                ["name"] = DemoModels.TextInputName, ["shape"] = new JsonArray(2, 2), ["datatype"] = "BYTES",
                ["parameters"] = new JsonObject { ["binary_data_size"] = data.Length },
            }),
            ["parameters"] = new JsonObject { ["binary_data_output"] = true },
        };

        using var response = await RestClient.PostBinaryAsync(http, "/v2/models/text/infer", header, data);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var (json, binary) = await RestClient.ReadAsync(response);
        var output = Assert.Single(json.GetProperty("outputs").EnumerateArray());
        Assert.Equal(data.Length, output.GetProperty("parameters").GetProperty("binary_data_size").GetInt32());
        Assert.Equal(data, binary);
        Assert.Contains(values, v => v.Contains((byte)0xFF));
    }

    [Fact]
    public async Task Output_bytes_that_are_not_utf8_are_refused_as_json_naming_the_output()
    {
        using var http = RestClient.For(fixture.Server);
        byte[][] values = [[0x61], [0xFF, 0x62]];
        var data = BytesRequests.Serialize(values);
        var header = new JsonObject
        {
            ["inputs"] = new JsonArray(new JsonObject
            {
                ["name"] = DemoModels.TextInputName, ["shape"] = new JsonArray(1, 2), ["datatype"] = "BYTES",
                ["parameters"] = new JsonObject { ["binary_data_size"] = data.Length },
            }),
        };

        using var response = await RestClient.PostBinaryAsync(http, "/v2/models/text/infer", header, data);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = await RestClient.ErrorAsync(response);
        Assert.Contains("output 'TEXT_OUT' of model 'text': element 1 is not valid UTF-8", error);
        Assert.Contains("binary_data", error);
    }

    [Fact]
    public async Task Bad_json_data_and_bad_binary_data_are_refused_naming_the_input()
    {
        using var http = RestClient.For(fixture.Server);

        using var number = await RestClient.PostJsonAsync(http, "/v2/models/text/infer", TextJson(new JsonArray("a", 5), [1, 2]));
        Assert.Equal(HttpStatusCode.BadRequest, number.StatusCode);
        Assert.Contains("unable to parse 'data' of input 'TEXT': 5 is not a valid BYTES value", await RestClient.ErrorAsync(number));

        using var count = await RestClient.PostJsonAsync(http, "/v2/models/text/infer", TextJson(Strings("a", "b", "c"), [2, 2]));
        Assert.Equal(HttpStatusCode.BadRequest, count.StatusCode);
        Assert.Contains("unexpected number of elements in 'data' of input 'TEXT': expected 4 for shape [2,2], got 3", await RestClient.ErrorAsync(count));

        byte[] truncated = [.. BytesRequests.Serialize([Encoding.UTF8.GetBytes("ok"), Encoding.UTF8.GetBytes("cut")])[..^1]];
        var header = new JsonObject
        {
            ["inputs"] = new JsonArray(new JsonObject
            {
                ["name"] = DemoModels.TextInputName, ["shape"] = new JsonArray(1, 2), ["datatype"] = "BYTES",
                ["parameters"] = new JsonObject { ["binary_data_size"] = truncated.Length },
            }),
        };
        using var binary = await RestClient.PostBinaryAsync(http, "/v2/models/text/infer", header, truncated);
        Assert.Equal(HttpStatusCode.BadRequest, binary.StatusCode);
        Assert.Contains("input 'TEXT' of model 'text' is BYTES: element 1's byte size indicator (3) exceeds the end of the buffer",
            await RestClient.ErrorAsync(binary));
    }

    [Fact]
    public async Task Json_and_grpc_agree_on_the_mixed_model()
    {
        using var http = RestClient.For(fixture.Server);
        var floats = AddRequests.Values(1, 2);
        var body = new JsonObject
        {
            ["inputs"] = new JsonArray(
                new JsonObject
                {
                    ["name"] = DemoModels.TextInputName, ["shape"] = new JsonArray(1, 2), ["datatype"] = "BYTES", ["data"] = Strings("left", "right"),
                },
                new JsonObject
                {
                    ["name"] = DemoModels.TrivialInputName, ["shape"] = new JsonArray(1, 16), ["datatype"] = "FP32",
                    ["data"] = new JsonArray(floats.Select(v => (JsonNode)v).ToArray()),
                }),
        };

        using var response = await RestClient.PostJsonAsync(http, "/v2/models/text_add/infer", body);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var (json, _) = await RestClient.ReadAsync(response);
        var outputs = json.GetProperty("outputs");
        Assert.Equal(["left", "right"], outputs[0].GetProperty("data").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(AddRequests.PlusOne(floats), RestClient.Floats(outputs[1]));
        Assert.Equal(JsonValueKind.Array, outputs[1].GetProperty("data").ValueKind);
    }
}
