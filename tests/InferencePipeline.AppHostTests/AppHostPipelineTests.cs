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
        var model = Path.Combine(Directory.CreateTempSubdirectory("inferpipe-apphost-model-").FullName, "add_apphost.onnx");
        DemoModels.WriteAdd(model);
        var clock = Stopwatch.StartNew();

        // The way in from outside: upload the model, start the pipeline from the artifact URI the API answers.
        using var upload = await host.Orchestrator.PostAsync("/models?name=add_apphost.onnx", new ByteArrayContent(await File.ReadAllBytesAsync(model)));
        var uploadBody = await upload.Content.ReadAsStringAsync();
        Assert.True(upload.StatusCode == HttpStatusCode.Created, $"POST /models answered {(int)upload.StatusCode}: {uploadBody}");
        var modelUri = JsonDocument.Parse(uploadBody).RootElement.GetProperty("modelUri").GetString()!;
        Assert.StartsWith("artifacts/models/", modelUri);
        Directory.Delete(Path.GetDirectoryName(model)!, recursive: true);

        using var response = await host.Orchestrator.PostAsJsonAsync("/pipelines", new
        {
            modelUri,
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
    public async Task A_model_path_on_the_servers_disk_is_refused_since_no_root_is_allowed_by_default()
    {
        using var response = await host.Orchestrator.PostAsJsonAsync("/pipelines", new { modelUri = "/etc/hostname", modelName = "probe" });

        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"expected 400, got {(int)response.StatusCode}: {body}");
        Assert.Contains("none are configured", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Request_without_a_model_is_refused_with_400_naming_the_field()
    {
        using var response = await host.Orchestrator.PostAsJsonAsync("/pipelines", new { modelName = "nothing" });

        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"expected 400, got {(int)response.StatusCode}: {body}");
        Assert.Contains("modelUri", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_orchestrator_wants_the_api_key_parameter_and_health_stays_open()
    {
        using var refused = await host.Anonymous.GetAsync("/pipelines");
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Contains("api-key", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        using var health = await host.Anonymous.GetAsync("/health");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        using var list = await host.Orchestrator.GetAsync("/pipelines");
        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
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
