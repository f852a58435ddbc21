using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using InferencePipeline.Onnx;
using Xunit.Abstractions;

namespace InferencePipeline.AppHostTests;

/// <summary>
/// The whole distributed system as the AppHost runs it: a pipeline started over the orchestrator's HTTP API
/// travels through every stage process over RabbitMQ and leaves the seed's report files in the shared root.
/// </summary>
public sealed class AppHostPipelineTests(RunningAppHost host, ITestOutputHelper output) : IClassFixture<RunningAppHost>
{
    private static readonly TimeSpan PipelineTimeout = TimeSpan.FromMinutes(4);
    private static readonly byte[] PngMagic = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    [Fact]
    public async Task Pipeline_posted_to_the_orchestrator_completes_and_writes_the_report()
    {
        output.WriteLine($"AppHost up, every resource healthy, after {host.StartupTime.TotalSeconds:F1} s: {host.StartupTimeline}");
        var model = Path.Combine(host.ArtifactsRoot, "inputs", "add_apphost.onnx");
        Directory.CreateDirectory(Path.GetDirectoryName(model)!);
        DemoModels.WriteAdd(model);
        var clock = Stopwatch.StartNew();

        using var response = await host.Orchestrator.PostAsJsonAsync("/pipelines", new
        {
            modelUri = model,
            modelName = "add_apphost",
            constraints = new { maxLatencyP99Ms = 5000.0 },
            searchSpace = new
            {
                concurrency = new[] { 1, 2 },
                preferredBatchSizes = new[] { 2 },
                instanceCounts = new[] { 1 },
                measurementWindowMs = 150,
                stabilityPercentage = 50.0,
                maxTrials = 4,
            },
        });
        var acceptedBody = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"POST /pipelines answered {(int)response.StatusCode}: {acceptedBody}");
        var pipelineId = JsonDocument.Parse(acceptedBody).RootElement.GetProperty("pipelineId").GetGuid();
        Assert.Equal($"/pipelines/{pipelineId}", response.Headers.Location?.OriginalString);

        var status = await WaitForEndAsync(pipelineId);
        output.WriteLine($"pipeline {pipelineId} {status.GetProperty("state").GetString()} after {clock.Elapsed.TotalSeconds:F1} s");
        Assert.True(status.GetProperty("state").GetString() == "Completed",
            $"pipeline ended {status.GetProperty("state")}: {status.GetProperty("failureReason")}\n{host.Logs.Describe()}");
        Assert.True(status.GetProperty("bestThroughputPerSec").GetDouble() > 0, $"no best throughput in {status}");

        var analyzer = Path.Combine(host.ArtifactsRoot, pipelineId.ToString("N"), "analyzer");
        var csv = await File.ReadAllLinesAsync(Path.Combine(analyzer, "results", "metrics-model-inference.csv"));
        Assert.Contains("Throughput", csv[0]);
        Assert.True(csv.Length >= 2, "the metrics CSV has no measurement rows");
        var png = await File.ReadAllBytesAsync(Path.Combine(analyzer, "Optimal_Results.png"));
        Assert.Equal(PngMagic, png.Take(PngMagic.Length));
        var bestConfig = (await File.ReadAllTextAsync(Path.Combine(analyzer, "Optimal_ConfigFile_Location.txt"))).Trim();
        Assert.True(File.Exists(Path.Combine(bestConfig, "config.pbtxt")),
            $"Optimal_ConfigFile_Location.txt names '{bestConfig}', which holds no config.pbtxt");
    }

    [Fact]
    public async Task Request_without_a_model_is_refused_with_400_naming_the_field()
    {
        using var response = await host.Orchestrator.PostAsJsonAsync("/pipelines", new { modelName = "nothing" });

        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"expected 400, got {(int)response.StatusCode}: {body}");
        Assert.Contains("modelUri", body, StringComparison.Ordinal);
    }

    /// <summary>Polls the status API until the run is Completed, Failed or Cancelled; 404 only means the saga has not stored it yet.</summary>
    private async Task<JsonElement> WaitForEndAsync(Guid pipelineId)
    {
        var deadline = Stopwatch.StartNew();
        var last = "(no status yet)";
        string? lastState = null;
        while (deadline.Elapsed < PipelineTimeout)
        {
            using var response = await host.Orchestrator.GetAsync($"/pipelines/{pipelineId}");
            var body = await response.Content.ReadAsStringAsync();
            if (response.StatusCode == HttpStatusCode.OK)
            {
                last = body;
                var status = JsonDocument.Parse(body).RootElement;
                var state = status.GetProperty("state").GetString();
                if (state != lastState)
                {
                    // The stage timeline in the test output says where the minutes go when the test gets slow.
                    output.WriteLine($"{deadline.Elapsed.TotalSeconds,6:F1} s  {state}");
                    lastState = state;
                }

                if (state is "Completed" or "Failed" or "Cancelled")
                {
                    return status.Clone();
                }
            }
            else if (response.StatusCode != HttpStatusCode.NotFound)
            {
                Assert.Fail($"GET /pipelines/{pipelineId} answered {(int)response.StatusCode}: {body}");
            }

            await Task.Delay(500);
        }

        Assert.Fail($"pipeline {pipelineId} did not finish within {PipelineTimeout.TotalMinutes} minutes; last status {last}\n" +
                    $"States: {host.DescribeStates()}\n{host.Logs.Describe()}");
        throw new UnreachableException();
    }
}
