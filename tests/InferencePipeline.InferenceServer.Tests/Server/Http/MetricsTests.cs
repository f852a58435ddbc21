using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;

namespace InferencePipeline.InferenceServer.Tests.Server.Http;

[Collection(ServerCollection.Name)]
public sealed class MetricsTests(ServerFixture fixture)
{
    private static readonly string[] Counters =
    [
        "nv_inference_request_success", "nv_inference_request_failure", "nv_inference_count", "nv_inference_exec_count",
        "nv_inference_request_duration_us", "nv_inference_queue_duration_us", "nv_inference_compute_input_duration_us",
        "nv_inference_compute_infer_duration_us", "nv_inference_compute_output_duration_us",
    ];

    [Fact]
    public async Task Metrics_expose_tritons_counters_per_model_and_version()
    {
        using var http = RestClient.For(fixture.Server);
        using var response = await http.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        var text = await response.Content.ReadAsStringAsync();
        foreach (var counter in Counters)
        {
            Assert.Contains($"# HELP {counter} ", text);
            Assert.Contains($"# TYPE {counter} counter\n", text);
            Value(text, counter, "add");
            Value(text, counter, "add_batched");
        }
        // Triton's queue gauge: nothing waits on an idle server.
        Assert.Contains("# TYPE nv_inference_pending_request_count gauge\n", text);
        Assert.Equal(0UL, Value(text, "nv_inference_pending_request_count", "add_batched"));
    }

    [Fact]
    public async Task Counters_increase_after_requests()
    {
        using var http = RestClient.For(fixture.Server);
        var before = await http.GetStringAsync("/metrics");
        for (var i = 0; i < 3; i++)
        {
            var body = RestClient.AddJson(AddRequests.Values(2, i), 2, shape: [2, 16]);
            Assert.Equal(HttpStatusCode.OK, (await RestClient.PostJsonAsync(http, "/v2/models/add_nobatch/infer", body)).StatusCode);
        }
        var bad = RestClient.AddJson(AddRequests.Values(1, 0), 1, shape: [16]);
        Assert.Equal(HttpStatusCode.BadRequest, (await RestClient.PostJsonAsync(http, "/v2/models/add_nobatch/infer", bad)).StatusCode);
        var after = await http.GetStringAsync("/metrics");

        ulong Delta(string counter) => Value(after, counter, "add_nobatch") - Value(before, counter, "add_nobatch");
        Assert.Equal(3UL, Delta("nv_inference_request_success"));
        Assert.Equal(1UL, Delta("nv_inference_request_failure"));
        // A model without batching runs each request as one inference of one execution.
        Assert.Equal(3UL, Delta("nv_inference_count"));
        Assert.Equal(3UL, Delta("nv_inference_exec_count"));
        Assert.True(Delta("nv_inference_request_duration_us") > 0);
        Assert.True(Value(after, "nv_inference_compute_infer_duration_us", "add_nobatch") > 0);
    }

    private static ulong Value(string text, string counter, string model)
    {
        var match = Regex.Match(text, $"^{counter}\\{{model=\"{model}\",version=\"1\"\\}} (\\d+)$", RegexOptions.Multiline);
        Assert.True(match.Success, $"no {counter} line for model {model} in:\n{text}");
        return ulong.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
    }
}
