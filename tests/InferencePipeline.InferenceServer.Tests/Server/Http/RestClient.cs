using System.Globalization;
using System.Net.Http.Headers;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace InferencePipeline.InferenceServer.Tests.Server.Http;

/// <summary>Builds KServe v2 REST infer bodies (JSON and Triton's binary extension) and reads their answers.</summary>
public static class RestClient
{
    public const string HeaderLength = "Inference-Header-Content-Length";

    public static HttpClient For(EmbeddedInferenceServer server) => new() { BaseAddress = server.HttpAddress };

    /// <summary>A JSON infer body for the add model's INPUT0 with flat data.</summary>
    public static JsonObject AddJson(float[] values, int rows, string datatype = "FP32", string input = "INPUT0", long[]? shape = null) => new()
    {
        ["id"] = "rest-1",
        ["inputs"] = new JsonArray(new JsonObject
        {
            ["name"] = input,
            ["shape"] = new JsonArray((shape ?? [rows, AddRequests.Width]).Select(d => (JsonNode)d).ToArray()),
            ["datatype"] = datatype,
            ["data"] = new JsonArray(values.Select(v => (JsonNode)v).ToArray()),
        }),
    };

    public static Task<HttpResponseMessage> PostJsonAsync(HttpClient http, string path, JsonNode body) =>
        http.PostAsync(path, new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"));

    /// <summary>Posts the JSON header followed by the raw bytes, as Triton's binary tensor data extension does.</summary>
    public static Task<HttpResponseMessage> PostBinaryAsync(HttpClient http, string path, JsonNode header, byte[] binary)
    {
        var json = Encoding.UTF8.GetBytes(header.ToJsonString());
        var content = new ByteArrayContent([.. json, .. binary]);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = content };
        request.Headers.Add(HeaderLength, json.Length.ToString(CultureInfo.InvariantCulture));
        return http.SendAsync(request);
    }

    /// <summary>Splits a response into its JSON part and its binary part (empty when the answer is plain JSON).</summary>
    public static async Task<(JsonElement Json, byte[] Binary)> ReadAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsByteArrayAsync();
        var length = response.Headers.TryGetValues(HeaderLength, out var values)
            ? int.Parse(values.Single(), CultureInfo.InvariantCulture)
            : body.Length;
        using var document = JsonDocument.Parse(body.AsMemory(0, length));
        return (document.RootElement.Clone(), body[length..]);
    }

    public static float[] Floats(JsonElement output) =>
        output.GetProperty("data").EnumerateArray().Select(e => e.GetSingle()).ToArray();

    public static byte[] Bytes(float[] values) => MemoryMarshal.AsBytes(values.AsSpan()).ToArray();

    public static async Task<string> ErrorAsync(HttpResponseMessage response)
    {
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return document.RootElement.GetProperty("error").GetString()!;
    }
}
