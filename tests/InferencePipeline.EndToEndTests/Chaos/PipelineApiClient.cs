using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using InferencePipeline.Contracts;
using InferencePipeline.Orchestrator;
using InferencePipeline.Testing;

namespace InferencePipeline.EndToEndTests.Chaos;

/// <summary>
/// The orchestrator's HTTP API as a client uses it: start a run, follow its status until a condition holds. Outages are
/// part of the test: a 503 (RabbitMQ or Redis down) or a refused connection is read as "not known right now" and asked again.
/// </summary>
public sealed class PipelineApiClient(Uri address, string apiKey) : IDisposable
{
    /// <summary>Each status read is a request and a Redis read in another process: a few per second is plenty.</summary>
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(200);

    private readonly HttpClient _http = new()
    {
        BaseAddress = address,
        Timeout = TimeSpan.FromSeconds(30),
        DefaultRequestHeaders = { Authorization = new AuthenticationHeaderValue("Bearer", apiKey) },
    };

    public async Task StartAsync(StartPipeline request)
    {
        using var response = await _http.PostAsJsonAsync("/pipelines", request, PipelineApiJson.Options);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"POST /pipelines: {(int)response.StatusCode} {body}");
    }

    /// <summary>The status, or null while the API cannot say (404 before the saga exists, 503 during an outage, no connection).</summary>
    public async Task<PipelineStatus?> TryGetAsync(Guid pipelineId)
    {
        try
        {
            using var response = await _http.GetAsync($"/pipelines/{pipelineId}");
            return response.StatusCode == HttpStatusCode.OK
                ? await response.Content.ReadFromJsonAsync<PipelineStatus>(PipelineApiJson.Options)
                : null;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return null;
        }
    }

    /// <summary>Reads the status until <paramref name="holds"/> (or the run has ended) and returns it.</summary>
    public async Task<PipelineStatus> WaitForAsync(Guid pipelineId, Func<PipelineStatus, bool> holds, TimeSpan timeout, Func<string> describe)
    {
        var status = await Eventually.ValueAsync(() => TryGetAsync(pipelineId), s => s is not null && (holds(s) || s.Finished), timeout,
            s => $"pipeline {pipelineId} is {(s is null ? "unknown to the API" : $"{s.State} at {s.Stage}, {s.MeasurementsDone}/{s.MeasurementsTotal} measured: {s.LastMessage}")}\n{describe()}",
            PollInterval);
        return status!;
    }

    public void Dispose() => _http.Dispose();
}
