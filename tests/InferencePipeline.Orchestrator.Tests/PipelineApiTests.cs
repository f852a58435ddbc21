using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using InferencePipeline.Orchestrator.Tests.StandIns;
using InferencePipeline.Testing;

namespace InferencePipeline.Orchestrator.Tests;

/// <summary>The HTTP API over a real Kestrel: validation, unknown ids, and a run from POST to its final GET.</summary>
public sealed class PipelineApiTests(PipelineApiHost host) : IClassFixture<PipelineApiHost>
{
    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private async Task<JsonElement> ReadJsonAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

    [Fact]
    public async Task Post_without_a_model_uri_is_a_400_problem_naming_the_field()
    {
        var response = await host.Client.PostAsync("/pipelines", Json("""{ "modelName": "bert" }"""));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await ReadJsonAsync(response);
        Assert.Contains("modelUri is required", problem.GetProperty("errors").GetProperty("ModelUri")[0].GetString());
    }

    [Theory]
    [InlineData("../../etc")]
    [InlineData("a/b")]
    [InlineData("bert..onnx")]
    [InlineData("-rf")]
    public async Task Post_with_an_unsafe_model_name_is_a_400(string name)
    {
        var body = JsonSerializer.Serialize(new { modelName = name, modelUri = "models/bert.onnx" });
        var response = await host.Client.PostAsync("/pipelines", Json(body));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await ReadJsonAsync(response);
        Assert.Contains("must be 1-128 letters", problem.GetProperty("errors").GetProperty("ModelName")[0].GetString());
    }

    [Fact]
    public async Task Post_with_malformed_json_or_bad_figures_is_a_400()
    {
        var malformed = await host.Client.PostAsync("/pipelines", Json("{ \"modelUri\": "));
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        Assert.Contains("not a valid pipeline request", (await ReadJsonAsync(malformed)).GetProperty("title").GetString());

        var badSearch = await host.Client.PostAsync("/pipelines",
            Json("""{ "modelUri": "m.onnx", "searchSpace": { "concurrency": [0], "preferredBatchSizes": [], "instanceCounts": [1] } }"""));
        Assert.Equal(HttpStatusCode.BadRequest, badSearch.StatusCode);
        Assert.True((await ReadJsonAsync(badSearch)).GetProperty("errors").TryGetProperty("SearchSpace", out _));
    }

    [Fact]
    public async Task Post_takes_declared_sizes_trust_pickle_and_the_opset_through_to_the_converter()
    {
        var body = JsonSerializer.Serialize(new
        {
            modelUri = host.ModelUri("encoder.pt"), trustPickle = true, onnxOpset = 14,
            inputs = new[] { new { name = "input_ids", dataType = "INT64", shape = new[] { -1, 128 } } },
        });
        var response = await host.Client.PostAsync("/pipelines", Json(body));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var id = (await ReadJsonAsync(response)).GetProperty("pipelineId").GetGuid();
        var convert = await Eventually.ValueAsync(
            () => Task.FromResult(StandInConverter.Received.GetValueOrDefault(id)),
            c => c is not null,
            TimeSpan.FromSeconds(20),
            _ => "the converter never got the command");
        Assert.True(convert!.TrustPickle);
        Assert.Equal(14, convert.OnnxOpset);
        var input = Assert.Single(convert.Inputs);
        Assert.Equal(("input_ids", "INT64"), (input.Name, input.DataType));
        Assert.Equal([-1L, 128], input.Shape);
    }

    [Fact]
    public async Task Post_without_the_new_fields_defaults_to_no_trust_and_the_seeds_opset()
    {
        var response = await host.Client.PostAsync("/pipelines", Json(JsonSerializer.Serialize(new { modelUri = host.ModelUri("plain.onnx") })));

        var id = (await ReadJsonAsync(response)).GetProperty("pipelineId").GetGuid();
        var convert = await Eventually.ValueAsync(
            () => Task.FromResult(StandInConverter.Received.GetValueOrDefault(id)),
            c => c is not null,
            TimeSpan.FromSeconds(20),
            _ => "the converter never got the command");
        Assert.False(convert!.TrustPickle);
        Assert.Null(convert.OnnxOpset);
    }

    [Fact]
    public async Task Post_with_an_opset_below_1_is_a_400_naming_the_field()
    {
        var response = await host.Client.PostAsync("/pipelines", Json("""{ "modelUri": "models/m.pt", "onnxOpset": 0 }"""));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("onnxOpset 0", (await ReadJsonAsync(response)).GetProperty("errors").GetProperty("OnnxOpset")[0].GetString());
    }

    [Fact]
    public async Task Get_of_an_unknown_pipeline_is_a_404()
    {
        var response = await host.Client.GetAsync($"/pipelines/{Guid.NewGuid()}");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("Unknown pipeline", (await ReadJsonAsync(response)).GetProperty("title").GetString());
    }

    [Fact]
    public async Task Post_starts_a_run_that_get_follows_to_completion()
    {
        // Minimal request: id, name, search space and target are filled in; enums may be names.
        var response = await host.Client.PostAsync("/pipelines", Json(JsonSerializer.Serialize(new { modelUri = host.ModelUri("tiny-bert.onnx"), format = "Onnx" })));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var accepted = await ReadJsonAsync(response);
        var id = accepted.GetProperty("pipelineId").GetGuid();
        Assert.Equal("tiny-bert", accepted.GetProperty("modelName").GetString());
        Assert.Equal($"/pipelines/{id}", response.Headers.Location?.OriginalString);

        var status = await Eventually.ValueAsync(async () =>
            {
                using var get = await host.Client.GetAsync(response.Headers.Location);
                return get.StatusCode == HttpStatusCode.OK ? await ReadJsonAsync(get) : default;
            },
            s => s.ValueKind == JsonValueKind.Object && s.GetProperty("state").GetString() == "Completed",
            TimeSpan.FromSeconds(20),
            last => $"the pipeline did not complete; last status: {(last.ValueKind == JsonValueKind.Undefined ? "none" : last.ToString())}");

        Assert.Equal("Completed", status.GetProperty("state").GetString());
        Assert.Equal(100, status.GetProperty("progressPercent").GetDouble());
        Assert.Equal("Deploying", status.GetProperty("stage").GetString());
        Assert.Equal(1100, status.GetProperty("bestThroughputPerSec").GetDouble());

        var list = await host.Client.GetFromJsonAsync<JsonElement>("/pipelines");
        Assert.Contains(list.EnumerateArray(), item => item.GetProperty("pipelineId").GetGuid() == id);
    }

    [Fact]
    public async Task Cancel_moves_a_running_pipeline_to_cancelled_and_a_second_cancel_is_a_409()
    {
        // The silent stand-in converter never answers: the run stays in Converting until it is cancelled.
        var response = await host.Client.PostAsync("/pipelines", Json(JsonSerializer.Serialize(new { modelUri = host.ModelUri("silent.onnx") })));
        var id = (await ReadJsonAsync(response)).GetProperty("pipelineId").GetGuid();
        await WaitForStateAsync(id, "Converting");

        using var cancel = await host.Client.PostAsync($"/pipelines/{id}/cancel?reason=wrong%20model", null);

        Assert.Equal(HttpStatusCode.Accepted, cancel.StatusCode);
        Assert.Equal($"/pipelines/{id}", cancel.Headers.Location?.OriginalString);
        var status = await WaitForStateAsync(id, "Cancelled");
        Assert.Contains("wrong model", status.GetProperty("lastMessage").GetString());

        using var again = await host.Client.PostAsync($"/pipelines/{id}/cancel", null);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Contains("Cancelled", (await ReadJsonAsync(again)).GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Cancel_of_an_unknown_pipeline_is_a_404()
    {
        using var response = await host.Client.PostAsync($"/pipelines/{Guid.NewGuid()}/cancel", null);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("Unknown pipeline", (await ReadJsonAsync(response)).GetProperty("title").GetString());
    }

    [Fact]
    public async Task The_list_pages_through_a_link_header_without_repeating_a_run()
    {
        var started = new List<Guid>();
        for (var i = 0; i < 3; i++)
        {
            var response = await host.Client.PostAsync("/pipelines", Json(JsonSerializer.Serialize(new { modelUri = host.ModelUri("silent.onnx") })));
            var id = (await ReadJsonAsync(response)).GetProperty("pipelineId").GetGuid();
            await WaitForStateAsync(id, "Converting");
            started.Add(id);
        }

        // Other tests share the host, so walk every page and check that ours all appear, once each.
        var seen = new List<Guid>();
        string? next = "/pipelines?count=1";
        while (next is not null)
        {
            using var page = await host.Client.GetAsync(next);
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            var items = (await ReadJsonAsync(page)).EnumerateArray().ToList();
            Assert.True(items.Count <= 1, $"a page of count=1 held {items.Count}");
            seen.AddRange(items.Select(item => item.GetProperty("pipelineId").GetGuid()));
            next = page.Headers.TryGetValues("Link", out var links) ? links.Single().Split('<', '>')[1] : null;
        }

        Assert.Equal(seen.Count, seen.Distinct().Count());
        Assert.Equal(started.AsEnumerable().Reverse(), seen.Where(started.Contains));

        using var bad = await host.Client.GetAsync("/pipelines?after=not-a-position");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("Link header", (await ReadJsonAsync(bad)).GetProperty("detail").GetString());
    }

    private async Task<JsonElement> WaitForStateAsync(Guid id, string state) =>
        await Eventually.ValueAsync(async () =>
            {
                using var get = await host.Client.GetAsync($"/pipelines/{id}");
                return get.StatusCode == HttpStatusCode.OK ? await ReadJsonAsync(get) : default;
            },
            s => s.ValueKind == JsonValueKind.Object && s.GetProperty("state").GetString() == state,
            TimeSpan.FromSeconds(20),
            last => $"pipeline {id} did not reach {state}; last status: {(last.ValueKind == JsonValueKind.Undefined ? "none" : last.ToString())}");

    [Fact]
    public async Task Health_endpoints_answer()
    {
        Assert.Equal(HttpStatusCode.OK, (await host.Client.GetAsync("/health")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await host.Client.GetAsync("/alive")).StatusCode);
    }
}
