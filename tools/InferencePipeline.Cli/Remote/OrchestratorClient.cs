using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using InferencePipeline.Artifacts;
using InferencePipeline.Contracts;
using InferencePipeline.Orchestrator;

namespace InferencePipeline.Cli.Remote;

/// <summary>
/// The orchestrator's HTTP API as the CLI uses it: every request carries the API key, and every refusal becomes an
/// <see cref="OrchestratorException"/> whose message names the problem (the API's problem title and detail) and the fix.
/// </summary>
public sealed class OrchestratorClient : IDisposable
{
    public const string DefaultApi = "http://localhost:5210";
    public const string ApiVariable = "INFERPIPE_API";
    public const string ApiKeyVariable = "INFERPIPE_API_KEY";

    private readonly HttpClient _http;

    private OrchestratorClient(HttpClient http) => _http = http;

    public Uri BaseAddress => _http.BaseAddress!;

    /// <summary>A client for <paramref name="api"/> (else $INFERPIPE_API, else the local default) sending <paramref name="apiKey"/> (else $INFERPIPE_API_KEY).</summary>
    public static OrchestratorClient Create(string? api, string? apiKey, HttpMessageHandler? handler = null)
    {
        var address = api ?? Environment.GetEnvironmentVariable(ApiVariable) ?? DefaultApi;
        if (!Uri.TryCreate(address, UriKind.Absolute, out var baseAddress) || baseAddress.Scheme is not ("http" or "https"))
        {
            throw new OrchestratorException($"'{address}' is not the orchestrator's URL; give --api an http(s) URL such as {DefaultApi} (the dashboard lists it).");
        }

        var http = handler is null ? new HttpClient() : new HttpClient(handler);
        http.BaseAddress = baseAddress;
        http.Timeout = TimeSpan.FromMinutes(30);
        var key = apiKey ?? Environment.GetEnvironmentVariable(ApiKeyVariable);
        if (!string.IsNullOrWhiteSpace(key))
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key.Trim());
        }

        return new OrchestratorClient(http);
    }

    /// <summary>One pipeline's status; null when the orchestrator does not know it.</summary>
    public async Task<PipelineStatus?> GetAsync(Guid pipelineId, CancellationToken ct)
    {
        using var response = await SendAsync(new HttpRequestMessage(HttpMethod.Get, $"/pipelines/{pipelineId:D}"), ct);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        await EnsureSuccessAsync(response, ct);
        return await response.Content.ReadFromJsonAsync<PipelineStatus>(PipelineApiJson.Options, ct);
    }

    /// <summary>The most recent pipelines, newest first.</summary>
    public async Task<IReadOnlyList<PipelineStatus>> ListAsync(int count, CancellationToken ct)
    {
        using var response = await SendAsync(new HttpRequestMessage(HttpMethod.Get, $"/pipelines?count={count}"), ct);
        await EnsureSuccessAsync(response, ct);
        return await response.Content.ReadFromJsonAsync<List<PipelineStatus>>(PipelineApiJson.Options, ct) ?? [];
    }

    /// <summary>The raw JSON of one pipeline or of the recent ones, as the API wrote it.</summary>
    public async Task<string?> GetJsonAsync(Guid? pipelineId, CancellationToken ct)
    {
        var path = pipelineId is null ? "/pipelines" : $"/pipelines/{pipelineId:D}";
        using var response = await SendAsync(new HttpRequestMessage(HttpMethod.Get, path), ct);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        await EnsureSuccessAsync(response, ct);
        return await response.Content.ReadAsStringAsync(ct);
    }

    /// <summary>
    /// Uploads a model file (streamed, as the raw body of <c>POST /models</c>) and returns the artifact URI to start a
    /// pipeline with.
    /// </summary>
    public Task<string> UploadAsync(string path, CancellationToken ct) => UploadAsync(path, PipelineFileKind.Model, ct);

    /// <summary>
    /// Uploads perf_analyzer input-data JSON (streamed, as the raw body of <c>POST /input-data</c>, which checks it) and
    /// returns the artifact URI a pipeline request names as its input data.
    /// </summary>
    public Task<string> UploadInputDataAsync(string path, CancellationToken ct) => UploadAsync(path, PipelineFileKind.InputData, ct);

    private async Task<string> UploadAsync(string path, PipelineFileKind kind, CancellationToken ct)
    {
        await using var file = File.OpenRead(path);
        var content = new StreamContent(file);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        using var response = await SendAsync(new HttpRequestMessage(HttpMethod.Post, $"{kind.Route}?name={Uri.EscapeDataString(Path.GetFileName(path))}")
        {
            Content = content,
        }, ct);
        await EnsureSuccessAsync(response, ct);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct));
        return body.RootElement.GetProperty(kind.UriField).GetString()!;
    }

    /// <summary>Starts a pipeline; returns its id.</summary>
    public async Task<Guid> StartAsync(StartPipeline request, CancellationToken ct)
    {
        using var response = await SendAsync(new HttpRequestMessage(HttpMethod.Post, "/pipelines")
        {
            Content = JsonContent.Create(request, options: PipelineApiJson.Options),
        }, ct);
        await EnsureSuccessAsync(response, ct);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct));
        return body.RootElement.GetProperty("pipelineId").GetGuid();
    }

    /// <summary>Asks the orchestrator to cancel a pipeline; an unknown or ended one is an <see cref="OrchestratorException"/> with exit code 1.</summary>
    public async Task CancelAsync(Guid pipelineId, string? reason, CancellationToken ct)
    {
        var query = string.IsNullOrWhiteSpace(reason) ? "" : $"?reason={Uri.EscapeDataString(reason)}";
        using var response = await SendAsync(new HttpRequestMessage(HttpMethod.Post, $"/pipelines/{pipelineId:D}/cancel{query}"), ct);
        if (response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Conflict)
        {
            throw new OrchestratorException(await DescribeAsync(response, ct), exitCode: 1);
        }

        await EnsureSuccessAsync(response, ct);
    }

    public void Dispose() => _http.Dispose();

    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
    {
        using (request)
        {
            try
            {
                return await _http.SendAsync(request, ct);
            }
            catch (HttpRequestException e)
            {
                throw new OrchestratorException(
                    $"Cannot reach the orchestrator at {BaseAddress}: {e.Message} Is the AppHost running? Pass --api with the orchestrator's URL " +
                    $"from the dashboard (or set {ApiVariable}).");
            }
        }
    }

    private async Task EnsureSuccessAsync(HttpResponseMessage response, CancellationToken ct)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }

        var problem = await DescribeAsync(response, ct);
        throw response.StatusCode switch
        {
            HttpStatusCode.Unauthorized => new OrchestratorException(
                $"The orchestrator refused the request ({problem}). Pass --api-key with the AppHost's 'api-key' parameter (a secret on the " +
                $"dashboard), or set {ApiKeyVariable}."),
            HttpStatusCode.ServiceUnavailable => new OrchestratorException(
                $"The orchestrator cannot serve the request now: {problem}" +
                (response.Headers.RetryAfter?.Delta is { } delta ? $" (retry after {delta.TotalSeconds:0} s)." : "")),
            _ => new OrchestratorException($"The orchestrator answered {(int)response.StatusCode}: {problem}"),
        };
    }

    /// <summary>A problem body as one line: its title, detail and field errors; any other body as it is.</summary>
    private static async Task<string> DescribeAsync(HttpResponseMessage response, CancellationToken ct)
    {
        var body = await response.Content.ReadAsStringAsync(ct);
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            var parts = new List<string>();
            if (root.TryGetProperty("title", out var title))
            {
                parts.Add(title.GetString()!.TrimEnd('.') + ".");
            }

            if (root.TryGetProperty("detail", out var detail))
            {
                parts.Add(detail.GetString()!);
            }

            if (root.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Object)
            {
                parts.AddRange(errors.EnumerateObject().SelectMany(e => e.Value.EnumerateArray().Select(m => $"{e.Name}: {m.GetString()}")));
            }

            return parts.Count > 0 ? string.Join(' ', parts) : body;
        }
        catch (JsonException)
        {
            return body.Length == 0 ? response.ReasonPhrase ?? "no details" : body;
        }
    }
}
