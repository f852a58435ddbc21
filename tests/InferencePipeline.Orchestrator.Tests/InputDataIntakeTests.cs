using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using InferencePipeline.Orchestrator.Tests.StandIns;
using InferencePipeline.Testing;

namespace InferencePipeline.Orchestrator.Tests;

/// <summary>
/// POST /input-data into the artifact store (checked with the stages' own reader), and a pipeline's inputDataUri held to
/// the rule its modelUri is held to (the artifact store or an allowed root, links followed), over a real Kestrel with the
/// stand-in stages behind it.
/// </summary>
public sealed class InputDataIntakeTests(PipelineApiHost host) : IClassFixture<PipelineApiHost>
{
    private static readonly byte[] InputData = Encoding.UTF8.GetBytes(
        """{"data": [{"INPUT0": [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16]}, {"INPUT0": {"content": [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], "shape": [16]}}]}""");

    private static async Task<JsonElement> ReadJsonAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

    private Task<HttpResponseMessage> UploadRawAsync(byte[] bytes, string query = "?name=inputs.json") =>
        host.Client.PostAsync($"/input-data{query}", new ByteArrayContent(bytes) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } });

    /// <summary>Starts a pipeline on its own model path (allowed, so only the input data can be refused); returns that path too.</summary>
    private async Task<(HttpResponseMessage Response, string ModelUri)> StartAsync(string inputDataUri)
    {
        var modelUri = host.ModelUri($"{Guid.NewGuid():N}.onnx");
        var response = await host.Client.PostAsync("/pipelines",
            new StringContent(JsonSerializer.Serialize(new { modelUri, modelName = "m", inputDataUri }), Encoding.UTF8, "application/json"));
        return (response, modelUri);
    }

    private string IncomingFolder => Path.Combine(host.ArtifactsRoot, "input-data", ".incoming");

    [Fact]
    public async Task A_raw_upload_is_stored_by_its_sha256_and_answers_the_uri_to_start_a_pipeline_with()
    {
        using var response = await UploadRawAsync(InputData);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var stored = await ReadJsonAsync(response);
        var sha = Convert.ToHexStringLower(SHA256.HashData(InputData));
        Assert.Equal($"artifacts/input-data/{sha}/inputs.json", stored.GetProperty("inputDataUri").GetString());
        Assert.Equal(sha, stored.GetProperty("sha256").GetString());
        Assert.Equal(InputData.Length, stored.GetProperty("bytes").GetInt64());
        Assert.Equal(InputData, await File.ReadAllBytesAsync(Path.Combine(host.ArtifactsRoot, "input-data", sha, "inputs.json")));
    }

    [Fact]
    public async Task A_multipart_upload_takes_the_file_parts_name_and_the_pipeline_carries_the_uri_to_its_stages()
    {
        using var form = new MultipartFormDataContent();
        form.Add(new ByteArrayContent(InputData), "file", "sentences.json");
        using var upload = await host.Client.PostAsync("/input-data", form);
        Assert.Equal(HttpStatusCode.Created, upload.StatusCode);
        var uri = (await ReadJsonAsync(upload)).GetProperty("inputDataUri").GetString()!;
        Assert.Equal($"artifacts/input-data/{Convert.ToHexStringLower(SHA256.HashData(InputData))}/sentences.json", uri);

        var (response, _) = await StartAsync(uri);
        using (response)
        {
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            var id = (await ReadJsonAsync(response)).GetProperty("pipelineId").GetGuid();
            // The saga hands the URI on with the commands of the stages that read input data.
            var tune = await Eventually.ValueAsync(() => Task.FromResult(StandInOrtTuner.Received.GetValueOrDefault(id)), c => c is not null,
                TimeSpan.FromSeconds(20), _ => "the tuner never got the command");
            Assert.Equal(uri, tune!.InputDataUri);
        }
    }

    [Theory]
    [InlineData("{\"data\": [", "not valid JSON")]
    [InlineData("[1, 2, 3]", "\"data\" array")]
    [InlineData("{\"data\": []}", "empty \"data\" array")]
    [InlineData("{\"data\": [{\"INPUT0\": {\"b64\": \"***\"}}]}", "invalid base64")]
    public async Task A_body_the_stages_reader_refuses_is_a_400_naming_the_problem_and_nothing_is_kept(string body, string problem)
    {
        var bytes = Encoding.UTF8.GetBytes(body);

        using var response = await UploadRawAsync(bytes, "?name=bad.json");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var detail = (await ReadJsonAsync(response)).GetProperty("detail").GetString()!;
        Assert.Contains(problem, detail);
        Assert.Contains("perf_analyzer input-data JSON", detail);
        Assert.DoesNotContain(".incoming", detail);
        Assert.False(Directory.Exists(Path.Combine(host.ArtifactsRoot, "input-data", Convert.ToHexStringLower(SHA256.HashData(bytes)))));
        Assert.Empty(Directory.GetFiles(IncomingFolder));
    }

    [Fact]
    public async Task An_upload_past_the_input_data_limit_is_a_413_and_leaves_nothing_behind()
    {
        // Valid JSON, only too long: the limit is checked on the bytes, before anything parses them.
        var big = Encoding.UTF8.GetBytes("{\"data\": [{\"INPUT0\": [" + string.Join(",", Enumerable.Repeat("0", (int)PipelineApiHost.MaxInputDataBytes / 2)) + "]}]}");
        Assert.True(big.Length > PipelineApiHost.MaxInputDataBytes && big.Length < PipelineApiHost.MaxUploadBytes);

        using var response = await UploadRawAsync(big, "?name=big.json");

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("Pipeline:Models:MaxInputDataBytes", (await ReadJsonAsync(response)).GetProperty("detail").GetString());
        Assert.False(Directory.Exists(Path.Combine(host.ArtifactsRoot, "input-data", Convert.ToHexStringLower(SHA256.HashData(big)))));
        Assert.Empty(Directory.GetFiles(IncomingFolder));
    }

    [Theory]
    [InlineData("?name=..%2Fevil.json")]
    [InlineData("?name=a%00b.json")]
    [InlineData("")]
    public async Task A_name_that_could_escape_or_none_at_all_is_a_400(string query)
    {
        using var response = await UploadRawAsync(InputData, query);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task An_upload_without_the_key_is_a_401()
    {
        using var response = await host.Anonymous.PostAsync("/input-data?name=inputs.json", new ByteArrayContent(InputData));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Theory]
    [InlineData("/etc/passwd")]
    [InlineData("file:///etc/passwd")]
    [InlineData("../../../../etc/passwd")]
    [InlineData("artifacts/../../etc/passwd")]
    [InlineData("artifacts/input-data/../../outside.json")]
    [InlineData("artifacts/input-data/0000/missing.json")]
    [InlineData("http://example.com/inputs.json")]
    [InlineData("inputs\0.json")]
    public async Task An_input_data_uri_outside_the_store_and_the_allowed_roots_is_a_400_before_anything_is_queued(string inputDataUri)
    {
        var (response, modelUri) = await StartAsync(inputDataUri);
        using (response)
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            var message = (await ReadJsonAsync(response)).GetProperty("errors").GetProperty("InputDataUri")[0].GetString()!;
            Assert.DoesNotContain(StandInConverter.Received.Values, c => c.ModelUri == modelUri);
            if (!inputDataUri.StartsWith("artifacts/", StringComparison.Ordinal) && inputDataUri.Contains("passwd"))
            {
                // The refusal names the roots that are allowed, the setting, and the way in that always works.
                Assert.Contains("Input data '", message);
                Assert.Contains(host.ModelsRoot, message);
                Assert.Contains("Pipeline:Models:AllowedRoots", message);
                Assert.Contains("POST /input-data", message);
            }
        }
    }

    [Fact]
    public async Task A_link_in_an_allowed_root_counts_where_it_points()
    {
        var outside = Directory.CreateTempSubdirectory("inferpipe-outside-data-").FullName;
        try
        {
            var secret = Path.Combine(outside, "secret.json");
            await File.WriteAllBytesAsync(secret, InputData);
            var linkOut = Path.Combine(host.ModelsRoot, $"link-out-{Guid.NewGuid():N}.json");
            File.CreateSymbolicLink(linkOut, secret);
            var inside = Path.Combine(host.ModelsRoot, $"inside-{Guid.NewGuid():N}.json");
            await File.WriteAllBytesAsync(inside, InputData);

            var (refused, refusedModel) = await StartAsync(linkOut);
            using (refused)
            {
                Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
                var message = (await ReadJsonAsync(refused)).GetProperty("errors").GetProperty("InputDataUri")[0].GetString()!;
                Assert.Contains("through a symbolic link", message);
                Assert.Contains(secret, message);
                Assert.DoesNotContain(StandInConverter.Received.Values, c => c.ModelUri == refusedModel);
            }

            var (accepted, _) = await StartAsync(inside);
            using (accepted)
            {
                Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
            }
        }
        finally
        {
            Directory.Delete(outside, recursive: true);
        }
    }
}
