using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Azure.Core;
using Azure.Identity;

namespace InferencePipeline.Cloud.Arm;

/// <summary>
/// Azure Resource Manager's REST protocol over one HttpClient: a bearer token per audience, api-version on every
/// call, 429/503 retried after the Retry-After Azure sends, ARM's error bodies turned into messages, and
/// long-running operations (201/202 with Azure-AsyncOperation or Location) followed to the end with their status
/// reported. The generic resource API in Azure.ResourceManager would need the resource provider's own package
/// for these bodies; the protocol itself is this small.
/// </summary>
public sealed class ArmRestClient(HttpClient http, TokenCredential credential, ArmOptions options, TimeProvider time)
{
    private const string AsyncOperationHeader = "Azure-AsyncOperation";
    private readonly Dictionary<string, AccessToken> _tokens = new(StringComparer.Ordinal);

    public ArmOptions Options => options;

    /// <summary>The absolute URL of an ARM path with its api-version.</summary>
    public Uri Url(string path, string apiVersion) =>
        new(options.ManagementEndpoint, $"{path.TrimStart('/')}?api-version={apiVersion}");

    /// <summary>GET a resource; null when ARM answers 404.</summary>
    public async Task<JsonNode?> GetAsync(string path, string apiVersion, CancellationToken ct)
    {
        using var response = await SendAsync(() => new HttpRequestMessage(HttpMethod.Get, Url(path, apiVersion)), options.ManagementScope, allowNotFound: true, ct);
        return response.StatusCode == HttpStatusCode.NotFound ? null : await ReadJsonAsync(response, ct);
    }

    /// <summary>POST an action (listKeys, token) and read its answer.</summary>
    public async Task<JsonNode?> PostAsync(string path, string apiVersion, CancellationToken ct)
    {
        using var response = await SendAsync(() => new HttpRequestMessage(HttpMethod.Post, Url(path, apiVersion)) { Content = Json(new JsonObject()) },
            options.ManagementScope, allowNotFound: false, ct);
        return await ReadJsonAsync(response, ct);
    }

    /// <summary>PUT a resource and follow the operation until it ends; returns the resource as ARM then reports it.</summary>
    public async Task<JsonNode?> PutAndWaitAsync(string path, string apiVersion, JsonNode body, string what, Func<string, Task> progress, CancellationToken ct)
    {
        using var response = await SendAsync(() => new HttpRequestMessage(HttpMethod.Put, Url(path, apiVersion)) { Content = Json(body) },
            options.ManagementScope, allowNotFound: false, ct);
        await WaitAsync(response, what, progress, ct);
        return await GetAsync(path, apiVersion, ct)
               ?? throw new ArmRequestException($"{what} succeeded but ARM no longer finds {path}; another client may have deleted it.");
    }

    /// <summary>DELETE a resource and follow the operation; a resource already gone counts as deleted.</summary>
    public async Task DeleteAndWaitAsync(string path, string apiVersion, string what, Func<string, Task> progress, CancellationToken ct)
    {
        using var response = await SendAsync(() => new HttpRequestMessage(HttpMethod.Delete, Url(path, apiVersion)), options.ManagementScope, allowNotFound: true, ct);
        if (response.StatusCode != HttpStatusCode.NotFound)
        {
            await WaitAsync(response, what, progress, ct);
        }
    }

    /// <summary>A data-plane request (blob upload, scoring) with retries; the caller sets the authorization it needs.</summary>
    public async Task<HttpResponseMessage> SendDataAsync(Func<HttpRequestMessage> request, string? scope, CancellationToken ct) =>
        await SendAsync(request, scope, allowNotFound: false, ct);

    /// <summary>Sends with the token for <paramref name="scope"/>, retrying throttling; any other failure throws with ARM's reason.</summary>
    private async Task<HttpResponseMessage> SendAsync(Func<HttpRequestMessage> create, string? scope, bool allowNotFound, CancellationToken ct)
    {
        for (var attempt = 0; ; attempt++)
        {
            using var request = create();
            if (scope is not null)
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await TokenAsync(scope, ct));
            }

            var response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, ct);
            if (response.IsSuccessStatusCode || (allowNotFound && response.StatusCode == HttpStatusCode.NotFound))
            {
                return response;
            }

            using (response)
            {
                var body = await response.Content.ReadAsStringAsync(ct);
                var error = ArmError.From(response.StatusCode, body);
                var retryAfter = RetryAfter(response);
                if (response.StatusCode is HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable)
                {
                    if (attempt < options.MaxRetries && retryAfter <= options.MaxRetryAfter)
                    {
                        await Task.Delay(retryAfter ?? Backoff(attempt), time, ct);
                        continue;
                    }

                    throw new ArmRequestException(
                        $"Azure kept refusing {request.Method} {request.RequestUri!.AbsolutePath} with {(int)response.StatusCode} {error.Code} " +
                        $"after {attempt + 1} tries{(retryAfter is { } wait ? $" (it asks to wait {wait.TotalSeconds:0} s)" : "")}: {error.Message}. " +
                        "The subscription is being throttled; wait and deploy again, or lower how often requests are sent to it.", error);
                }

                throw Failure(request, error);
            }
        }
    }

    /// <summary>The message for a refused request, by what the user can do about it.</summary>
    private static ArmRequestException Failure(HttpRequestMessage request, ArmError error)
    {
        var call = $"{request.Method} {request.RequestUri!.AbsolutePath}";
        if (error.Status == HttpStatusCode.Unauthorized)
        {
            return new AzureCredentialException(
                $"Azure refused the credential ({error.Code}: {error.Message}) on {call}. Sign in again (az login, or refresh the " +
                "service principal's secret or federated token) and deploy again.");
        }

        if (error.Status == HttpStatusCode.Forbidden)
        {
            return new ArmRequestException(
                $"The signed-in identity may not do {call} ({error.Code}: {error.Message}). Grant it a role on the workspace that allows " +
                "deploying online endpoints (e.g. AzureML Data Scientist) and deploy again.", error);
        }

        if (error.Status == HttpStatusCode.Conflict)
        {
            return new ArmRequestException(
                $"Azure answered Conflict to {call} ({error.Code}: {error.Message}): another operation is still running on this resource. " +
                "Wait until it ends (az ml online-endpoint show shows its provisioning state) and deploy again.", error);
        }

        if (ArmErrorKinds.IsQuota(error))
        {
            return new ArmRequestException(QuotaMessage(error), error);
        }

        return new ArmRequestException($"Azure refused {call} with {(int)error.Status} {error.Code}: {error.Message}", error);
    }

    public static string QuotaMessage(ArmError error) =>
        $"Azure has no quota left for this deployment ({error.Code}: {error.Message}). Request more quota for the instance type's VM family " +
        "in the workspace's region (Azure portal: Quotas, Machine learning), use fewer instances, or pick another instance type.";

    /// <summary>Follows a long-running operation to its end, reporting each status it passes through.</summary>
    private async Task WaitAsync(HttpResponseMessage started, string what, Func<string, Task> progress, CancellationToken ct)
    {
        var asyncOperation = started.Headers.TryGetValues(AsyncOperationHeader, out var values) ? values.FirstOrDefault() : null;
        var location = started.Headers.Location;
        if (asyncOperation is null && location is null)
        {
            // 200 (or 201 without a header): ARM finished the change within the request.
            return;
        }

        var monitor = new Uri(asyncOperation ?? location!.ToString(), UriKind.Absolute);
        var deadline = time.GetUtcNow() + options.OperationTimeout;
        var delay = RetryAfter(started) ?? options.PollInterval;
        string? lastStatus = null;
        while (true)
        {
            if (time.GetUtcNow() > deadline)
            {
                throw new ArmRequestException(
                    $"{what} did not finish within {options.OperationTimeout.TotalMinutes:0} minutes (last status {lastStatus ?? "unknown"}); " +
                    "look at it in the Azure portal or with az ml online-deployment get-logs before deploying again.");
            }

            await Task.Delay(delay, time, ct);
            using var poll = await SendAsync(() => new HttpRequestMessage(HttpMethod.Get, monitor), options.ManagementScope, allowNotFound: false, ct);
            delay = RetryAfter(poll) ?? options.PollInterval;
            if (asyncOperation is null)
            {
                // Location polling: 202 while running, 200/204 when done (errors were thrown by SendAsync).
                if (poll.StatusCode == HttpStatusCode.Accepted)
                {
                    continue;
                }

                return;
            }

            var status = await ReadJsonAsync(poll, ct);
            var state = status?["status"]?.GetValue<string>() ?? "InProgress";
            if (state != lastStatus)
            {
                lastStatus = state;
                await progress($"{what}: {state}");
            }

            switch (state)
            {
                case "Succeeded":
                    return;
                case "Failed" or "Canceled" or "Cancelled":
                    var error = ArmError.FromOperation(status);
                    throw new ArmOperationFailedException(
                        ArmErrorKinds.IsQuota(error) ? $"{what} failed: {QuotaMessage(error)}" : $"{what} ended {state}: {error}", error);
            }
        }
    }

    private async Task<string> TokenAsync(string scope, CancellationToken ct)
    {
        if (_tokens.TryGetValue(scope, out var cached) && cached.ExpiresOn > time.GetUtcNow().AddMinutes(2))
        {
            return cached.Token;
        }

        try
        {
            var token = await credential.GetTokenAsync(new TokenRequestContext([scope]), ct);
            _tokens[scope] = token;
            return token.Token;
        }
        catch (CredentialUnavailableException e)
        {
            throw new AzureCredentialException(
                $"No Azure credential is available ({FirstLine(e.Message)}). Sign in with 'az login' (or set AZURE_CLIENT_ID, AZURE_TENANT_ID " +
                "and AZURE_CLIENT_SECRET for a service principal, or run where a managed identity is assigned), then deploy again.", e);
        }
        catch (AuthenticationFailedException e)
        {
            throw new AzureCredentialException(
                $"Signing in to Azure failed ({FirstLine(e.Message)}). The sign-in may have expired: run 'az login' again (or renew the " +
                "service principal's secret), then deploy again.", e);
        }
    }

    private static TimeSpan Backoff(int attempt) => TimeSpan.FromSeconds(Math.Min(30, Math.Pow(2, attempt + 1)));

    private static TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        if (response.Headers.RetryAfter is { } retryAfter)
        {
            if (retryAfter.Delta is { } delta)
            {
                return delta;
            }

            if (retryAfter.Date is { } date)
            {
                var wait = date - DateTimeOffset.UtcNow;
                return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
            }
        }

        return response.Headers.TryGetValues("Retry-After", out var raw)
               && int.TryParse(raw.FirstOrDefault(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var seconds)
            ? TimeSpan.FromSeconds(seconds)
            : null;
    }

    public static StringContent Json(JsonNode body) => new(body.ToJsonString(), Encoding.UTF8, "application/json");

    public static async Task<JsonNode?> ReadJsonAsync(HttpResponseMessage response, CancellationToken ct)
    {
        var text = await response.Content.ReadAsStringAsync(ct);
        return string.IsNullOrWhiteSpace(text) ? null : JsonNode.Parse(text);
    }

    private static string FirstLine(string message)
    {
        var newline = message.IndexOf('\n');
        return (newline < 0 ? message : message[..newline]).Trim();
    }
}

/// <summary>A long-running operation Azure accepted ended Failed or Canceled.</summary>
public sealed class ArmOperationFailedException(string message, ArmError error) : ArmRequestException(message, error);
