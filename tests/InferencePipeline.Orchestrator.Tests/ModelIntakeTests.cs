using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using InferencePipeline.Orchestrator.Tests.StandIns;
using InferencePipeline.Testing;

namespace InferencePipeline.Orchestrator.Tests;

/// <summary>
/// POST /models into the artifact store, and the rule on which models a pipeline may name (the artifact store or an
/// allowed root, links followed), over a real Kestrel with the stand-in stages behind it.
/// </summary>
public sealed class ModelIntakeTests(PipelineApiHost host) : IClassFixture<PipelineApiHost>
{
    private static readonly byte[] Model = Enumerable.Range(0, 100_000).Select(i => (byte)(i * 31 + 7)).ToArray();

    private static async Task<JsonElement> ReadJsonAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

    private Task<HttpResponseMessage> UploadRawAsync(byte[] bytes, string query) =>
        host.Client.PostAsync($"/models{query}", new ByteArrayContent(bytes) { Headers = { ContentType = new MediaTypeHeaderValue("application/octet-stream") } });

    private Task<HttpResponseMessage> StartAsync(string modelUri) =>
        host.Client.PostAsync("/pipelines", new StringContent(JsonSerializer.Serialize(new { modelUri, modelName = "m" }), Encoding.UTF8, "application/json"));

    [Fact]
    public async Task A_raw_upload_is_stored_by_its_sha256_and_a_second_one_gives_the_same_uri()
    {
        using var response = await UploadRawAsync(Model, "?name=add.onnx");

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var stored = await ReadJsonAsync(response);
        var sha = Convert.ToHexStringLower(SHA256.HashData(Model));
        Assert.Equal($"artifacts/models/{sha}/add.onnx", stored.GetProperty("modelUri").GetString());
        Assert.Equal(sha, stored.GetProperty("sha256").GetString());
        Assert.Equal(Model.Length, stored.GetProperty("bytes").GetInt64());
        Assert.Equal(Model, await File.ReadAllBytesAsync(Path.Combine(host.ArtifactsRoot, "models", sha, "add.onnx")));

        using var again = await UploadRawAsync(Model, "?name=add.onnx");
        Assert.Equal(stored.GetProperty("modelUri").GetString(), (await ReadJsonAsync(again)).GetProperty("modelUri").GetString());
    }

    [Fact]
    public async Task A_multipart_upload_takes_the_file_parts_name()
    {
        using var form = new MultipartFormDataContent();
        form.Add(new StringContent("ignored"), "comment");
        form.Add(new ByteArrayContent(Model), "model", "encoder.pt");

        using var response = await host.Client.PostAsync("/models", form);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var uri = (await ReadJsonAsync(response)).GetProperty("modelUri").GetString();
        Assert.Equal($"artifacts/models/{Convert.ToHexStringLower(SHA256.HashData(Model))}/encoder.pt", uri);
    }

    [Fact]
    public async Task An_upload_past_the_limit_is_a_413_and_leaves_nothing_behind()
    {
        var big = new byte[PipelineApiHost.MaxUploadBytes + 1];
        using var response = await UploadRawAsync(big, "?name=big.onnx");

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("Pipeline:Models:MaxUploadBytes", (await ReadJsonAsync(response)).GetProperty("detail").GetString());
        var sha = Convert.ToHexStringLower(SHA256.HashData(big));
        Assert.False(Directory.Exists(Path.Combine(host.ArtifactsRoot, "models", sha)));
        Assert.Empty(Directory.GetFiles(Path.Combine(host.ArtifactsRoot, "models", ".incoming")));
    }

    [Theory]
    [InlineData("?name=..%2Fevil.onnx")]
    [InlineData("?name=%2Fetc%2Fpasswd")]
    [InlineData("?name=a%00b.onnx")]
    [InlineData("?name=..")]
    [InlineData("?name=.hidden.onnx")]
    [InlineData("")]
    public async Task A_name_that_could_escape_or_none_at_all_is_a_400(string query)
    {
        using var response = await UploadRawAsync(Model, query);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.False(Directory.Exists(Path.Combine(host.ArtifactsRoot, "models", Convert.ToHexStringLower(SHA256.HashData(Model)), "evil.onnx")));
    }

    [Fact]
    public async Task A_multipart_file_name_with_a_path_is_a_400()
    {
        using var form = new MultipartFormDataContent();
        form.Add(new ByteArrayContent(Model), "model", "../../escape.onnx");

        using var response = await host.Client.PostAsync("/models", form);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("path separator", (await ReadJsonAsync(response)).GetProperty("detail").GetString());
    }

    [Fact]
    public async Task A_pipeline_starts_from_the_uploaded_uri_and_the_converter_gets_it()
    {
        using var upload = await UploadRawAsync(Model, "?name=uploaded.onnx");
        var uri = (await ReadJsonAsync(upload)).GetProperty("modelUri").GetString()!;

        using var response = await StartAsync(uri);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var id = (await ReadJsonAsync(response)).GetProperty("pipelineId").GetGuid();
        var convert = await Eventually.ValueAsync(() => Task.FromResult(StandInConverter.Received.GetValueOrDefault(id)), c => c is not null,
            TimeSpan.FromSeconds(20), _ => "the converter never got the command");
        Assert.Equal(uri, convert!.ModelUri);
    }

    [Theory]
    [InlineData("/etc/passwd")]
    [InlineData("file:///etc/passwd")]
    [InlineData("../../../../etc/passwd")]
    [InlineData("artifacts/../../etc/passwd")]
    [InlineData("artifacts/models/../../outside.onnx")]
    [InlineData("artifacts//etc/passwd")]
    [InlineData("artifacts/models/0000/missing.onnx")]
    [InlineData("http://example.com/model.onnx")]
    [InlineData("models/m\0.onnx")]
    public async Task A_model_uri_outside_the_store_and_the_allowed_roots_is_a_400_before_anything_is_queued(string modelUri)
    {
        using var response = await StartAsync(modelUri);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await ReadJsonAsync(response);
        var message = problem.GetProperty("errors").GetProperty("ModelUri")[0].GetString()!;
        Assert.DoesNotContain(StandInConverter.Received.Values, c => c.ModelUri == modelUri);
        if (!modelUri.StartsWith("artifacts/", StringComparison.Ordinal) && modelUri.Contains("passwd"))
        {
            // The refusal names the roots that are allowed and the way in that always works.
            Assert.Contains(host.ModelsRoot, message);
            Assert.Contains("POST /models", message);
        }
    }

    [Fact]
    public async Task A_link_in_an_allowed_root_counts_where_it_points()
    {
        var outside = Directory.CreateTempSubdirectory("inferpipe-outside-").FullName;
        try
        {
            var secret = Path.Combine(outside, "secret.onnx");
            await File.WriteAllBytesAsync(secret, Model);
            var fileLink = Path.Combine(host.ModelsRoot, "link-out.onnx");
            File.CreateSymbolicLink(fileLink, secret);
            var dirLink = Path.Combine(host.ModelsRoot, "dir-out");
            Directory.CreateSymbolicLink(dirLink, outside);
            var inside = Path.Combine(host.ModelsRoot, "inside.onnx");
            await File.WriteAllBytesAsync(inside, Model);
            var linkIn = Path.Combine(host.ModelsRoot, "link-in.onnx");
            File.CreateSymbolicLink(linkIn, inside);

            foreach (var escaping in new[] { fileLink, Path.Combine(dirLink, "secret.onnx"), Path.Combine(dirLink, "..", Path.GetFileName(outside), "secret.onnx") })
            {
                using var refused = await StartAsync(escaping);
                Assert.True(refused.StatusCode == HttpStatusCode.BadRequest, $"{escaping} was {(int)refused.StatusCode}");
                Assert.Contains("outside the allowed model roots", (await ReadJsonAsync(refused)).GetProperty("errors").GetProperty("ModelUri")[0].GetString());
            }

            using var accepted = await StartAsync(linkIn);
            Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        }
        finally
        {
            Directory.Delete(outside, recursive: true);
        }
    }
}
