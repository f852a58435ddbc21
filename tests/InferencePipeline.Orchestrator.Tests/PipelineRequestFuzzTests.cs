using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using InferencePipeline.Contracts;
using InferencePipeline.Testing.Fuzzing;
using Xunit.Abstractions;

namespace InferencePipeline.Orchestrator.Tests;

/// <summary>
/// The body of <c>POST /pipelines</c> fuzzed: thousands of mutations of a full request (syntax broken, values out of
/// range, types swapped, odd characters, invalid UTF-8) go through the API's own reading (<see cref="PipelineApiJson"/>,
/// then <see cref="PipelineRequestValidator"/>), which must end every one in a request or a clear error, never an
/// exception of its own; the ones it refuses are then posted to the real API, which must answer each with a 400 problem.
/// </summary>
public sealed class PipelineRequestFuzzTests(PipelineApiHost host, ITestOutputHelper output) : IClassFixture<PipelineApiHost>
{
    private const int Cases = 6000;

    /// <summary>Refused bodies posted over HTTP (each costs a request; the in-process check covers every case).</summary>
    private const int PostedCases = 1500;

    private const string Full = """
        {
          "pipelineId": "7b0c2d64-7c43-4ad5-9f0e-2a4f3c1a9e10",
          "modelName": "bert",
          "modelUri": "models/bert.onnx",
          "format": "Onnx",
          "inputs": [ { "name": "input_names", "dataType": "INT64", "shape": [ -1, 256 ] } ],
          "outputs": [ { "name": "start", "dataType": "FP32", "shape": [ -1, 256 ] } ],
          "constraints": { "maxLatencyP99Ms": 20.5, "minThroughput": 100 },
          "objectives": [ { "metric": "perf_throughput", "weight": 1 }, { "metric": "perf_latency_p99", "weight": 0.5 } ],
          "searchSpace": { "concurrency": [ 1, 4, 16 ], "preferredBatchSizes": [ 4, 16 ], "instanceCounts": [ 1, 2 ], "mode": "Quick",
                           "measurementWindowMs": 500, "stabilityPercentage": 10, "maxTrials": 10 },
          "deployTarget": { "kind": "LocalServer", "endpoint": "http://127.0.0.1:8001", "name": "bert" }
        }
        """;

    private static readonly string[] Tokens =
    [
        "{", "}", "[", "]", ":", ",", "\"", "\\", "\\u", "\\ud800", "\\u0000", "null", "true", "false", "[]", "{}", "\"\"", "-", "e",
        "\"Onnx\"", "\"PyTorch\"", "\"NoSuchFormat\"", "7", "-1", "\"modelUri\": \"x.onnx\",", "\"modelName\": \"../../etc\",",
        "\"inputs\": [null],", "\"shape\": null", "\"shape\": [0]", "\"objectives\": [null],", "\"searchSpace\": null,",
        "\"concurrency\": [-5],", "\"kind\": 99,", "\"pipelineId\": \"not-a-guid\",", "\"weight\": \"heavy\"", "/* comment */", "\"extra\": { \"a\": [1] },",
    ];

    private readonly TextMutator _mutator = new(Tokens);

    [Fact]
    public async Task Mutated_requests_end_in_a_request_or_a_clear_error_and_the_api_answers_each_refusal_with_a_400_problem()
    {
        var clock = Stopwatch.StartNew();
        var refused = new List<byte[]>();
        var accepted = 0;
        var failures = FuzzCases.Run(seed: 31_000, Cases, (i, random) =>
        {
            var body = Body(random);
            try
            {
                var outcome = Read(body);
                if (outcome is null)
                {
                    accepted++;
                }
                else if (refused.Count < PostedCases)
                {
                    refused.Add(body);
                }
                return null;
            }
            catch (Exception e)
            {
                return $"{e.GetType().Name}: {e.Message} for {Encoding.UTF8.GetString(body)}";
            }
        });
        Assert.True(failures.Count == 0, FuzzCases.Describe(failures, Cases));

        var answers = new List<string>();
        foreach (var body in refused)
        {
            using var content = new ByteArrayContent(body);
            content.Headers.ContentType = new("application/json");
            using var response = await host.Client.PostAsync("/pipelines", content);
            var text = await response.Content.ReadAsStringAsync();
            if (response.StatusCode != HttpStatusCode.BadRequest || response.Content.Headers.ContentType?.MediaType != "application/problem+json"
                || !JsonDocument.Parse(text).RootElement.TryGetProperty("title", out _))
            {
                answers.Add($"{(int)response.StatusCode} {text} for {Encoding.UTF8.GetString(body)}");
            }
        }
        output.WriteLine($"{Cases} bodies read in process ({accepted} valid, {Cases - accepted} refused), {refused.Count} refused ones posted, " +
            $"{clock.Elapsed.TotalSeconds:0.0} s");
        Assert.True(answers.Count == 0, $"{answers.Count} of {refused.Count} refused bodies were not answered with a 400 problem:\n{string.Join("\n", answers.Take(10))}");
        Assert.True(accepted > 0 && refused.Count > 0, $"the mutations should both keep and break requests: {accepted} valid of {Cases}");
    }

    /// <summary>
    /// What <c>POST /pipelines</c> makes of <paramref name="body"/>: null for a request it would queue, else why it refuses
    /// it. Throws only what the API itself would not handle.
    /// </summary>
    private static string? Read(byte[] body)
    {
        StartPipeline? request;
        try
        {
            request = JsonSerializer.Deserialize<StartPipeline>(body, PipelineApiJson.Options);
        }
        catch (JsonException e)
        {
            return e.Message;
        }
        if (request is null)
        {
            return "empty";
        }
        var errors = PipelineRequestValidator.Validate(PipelineRequestValidator.Normalize(request));
        return errors.Count == 0 ? null : string.Join("; ", errors.SelectMany(e => e.Value));
    }

    /// <summary>A mutated request as UTF-8; now and then with bytes that are not UTF-8 at all.</summary>
    private byte[] Body(Random random)
    {
        var bytes = Encoding.UTF8.GetBytes(_mutator.Mutate(Full, random));
        if (random.Next(10) == 0 && bytes.Length > 0)
        {
            bytes[random.Next(bytes.Length)] = (byte)random.Next(0x80, 0x100);
        }
        return bytes;
    }
}
