using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using InferencePipeline.Cli;
using InferencePipeline.Testing;

namespace InferencePipeline.EndToEndTests;

/// <summary>
/// <c>inferpipe cancel</c>, <c>watch</c> and <c>status</c> against a real orchestrator API (Kestrel, API key, the saga
/// in memory). No stage runs behind it, so a started pipeline waits in Converting until it is cancelled.
/// </summary>
public sealed class RemoteCommandsTests : IAsyncLifetime
{
    private const string ApiKey = OrchestratorApi.ApiKey;
    private readonly string _models = Directory.CreateTempSubdirectory("inferpipe-remote-models-").FullName;
    private OrchestratorApi _orchestrator = null!;
    private string _api = "";

    public async Task InitializeAsync()
    {
        _orchestrator = await OrchestratorApi.StartAsync(new Dictionary<string, string?>
        {
            ["Pipeline:Artifacts:Root"] = _models,
            ["Pipeline:Models:AllowedRoots:0"] = _models,
        });
        _api = _orchestrator.Address;
    }

    public async Task DisposeAsync()
    {
        await _orchestrator.DisposeAsync();
        Directory.Delete(_models, recursive: true);
    }

    private async Task<Guid> StartPipelineAsync()
    {
        using var http = new HttpClient { BaseAddress = new Uri(_api) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ApiKey);
        using var response = await http.PostAsJsonAsync("/pipelines", new { modelUri = Path.Combine(_models, "m.onnx"), modelName = "watched" });
        response.EnsureSuccessStatusCode();
        var id = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("pipelineId").GetGuid();
        // 202 means queued; the saga stores the run a moment later.
        await Eventually.TrueAsync(async () => (await http.GetAsync($"/pipelines/{id}")).IsSuccessStatusCode, TimeSpan.FromSeconds(20),
            $"pipeline {id} to be stored");
        return id;
    }

    private Task<int> RunAsync(RecordingConsole console, params string[] args) =>
        InferpipeApp.Create(console.Console).RunAsync([.. args, "--api", _api, "--api-key", ApiKey]);

    [Fact]
    public async Task Watch_follows_a_pipeline_until_cancel_stops_it_and_a_second_cancel_is_refused()
    {
        var id = await StartPipelineAsync();
        var watching = new RecordingConsole();
        var watch = RunAsync(watching, "watch", id.ToString("N"), "--interval", "0.1");
        await Eventually.TrueAsync(() => watch.IsCompleted || watching.Output.Contains("Converting"), TimeSpan.FromSeconds(20), "watch to show the running pipeline");

        var cancelling = new RecordingConsole();
        Assert.Equal(0, await RunAsync(cancelling, "cancel", id.ToString(), "--reason", "wrong model"));
        Assert.Contains("Cancelling pipeline", cancelling.Output);

        // watch ends by itself once the run has ended; a cancelled run is not a success.
        Assert.Equal(1, await watch.WaitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains(watching.Lines, l => l.Contains(id.ToString("N")) && l.Contains("Converting"));
        Assert.Contains(watching.Lines, l => l.Contains(id.ToString("N")) && l.Contains("Cancelled"));

        var status = new RecordingConsole();
        Assert.Equal(0, await RunAsync(status, "status", id.ToString()));
        Assert.Contains("\"Cancelled\"", status.Output);
        Assert.Contains("wrong model", status.Output);

        var again = new RecordingConsole();
        Assert.Equal(1, await RunAsync(again, "cancel", id.ToString()));
        Assert.Contains("already ended", again.Output);

        // Without an id, watch lists the recent runs and stops when all of them have ended.
        var recent = new RecordingConsole();
        Assert.Equal(0, await RunAsync(recent, "watch", "--interval", "0.1"));
        Assert.Contains(recent.Lines, l => l.Contains(id.ToString("N")) && l.Contains("Cancelled"));
    }

    [Fact]
    public async Task A_wrong_key_or_an_unknown_id_is_a_clear_refusal()
    {
        var wrongKey = new RecordingConsole();
        var exit = await InferpipeApp.Create(wrongKey.Console).RunAsync(["status", "--api", _api, "--api-key", "not-the-key-0000000000"]);
        Assert.Equal(2, exit);
        Assert.Contains("Wrong API key", wrongKey.Output);
        Assert.Contains("--api-key", wrongKey.Output);

        var unknown = new RecordingConsole();
        Assert.Equal(1, await RunAsync(unknown, "cancel", Guid.NewGuid().ToString()));
        Assert.Contains("Unknown pipeline", unknown.Output);

        var badId = new RecordingConsole();
        Assert.NotEqual(0, await RunAsync(badId, "watch", "not-a-guid"));
        Assert.Contains("not a pipeline id", badId.Output);
    }
}
