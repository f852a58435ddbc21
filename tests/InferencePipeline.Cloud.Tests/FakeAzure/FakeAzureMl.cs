using System.Collections.Concurrent;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using InferencePipeline.Cloud.AzureMl;
using InferencePipeline.InferenceServer;
using Microsoft.AspNetCore.Http;

namespace InferencePipeline.Cloud.Tests.FakeAzure;

/// <summary>
/// One Azure ML workspace as its REST APIs behave (api-version 2024-04-01 shapes): ARM refuses a request without
/// api-version, without a bearer token for its own audience or with an expired one, and a body missing what the
/// real API requires; creates and updates are long-running (201/202 with Azure-AsyncOperation or Location, the
/// resource's provisioningState moving from Creating/Updating to Succeeded or Failed); traffic may only name
/// existing deployments and sum to 0 or 100, and a deployment with traffic cannot be deleted. A deployment that
/// provisions serves the uploaded repository with a real embedded Triton-compatible server behind the endpoint's
/// scoring host, which checks the endpoint key and routes by the azureml-model-deployment header or the traffic.
/// Faults (throttling, conflict, quota, wrong answers) are switched on by the tests.
/// </summary>
public sealed partial class FakeAzureMl : IAsyncDisposable
{
    public const string Subscription = "00000000-1111-2222-3333-444444444444";
    public const string ResourceGroup = "ml-rg";
    public const string WorkspaceName = "ml-ws";
    public const string Location = "westeurope";
    public const string StorageAccount = "inferpipestore";
    public const string Container = "azureml-blobstore-0000";
    public const string PrimaryKey = "primary-key-0123";
    private const string ManagementScope = "https://management.azure.com/.default";
    private const string StorageScope = "https://storage.azure.com/.default";

    private readonly object _gate = new();
    private readonly Dictionary<string, byte[]> _blobs = new(StringComparer.Ordinal);
    private readonly Dictionary<string, JsonNode> _models = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, Endpoint> _endpoints = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, Deployment> _deployments = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, Operation> _operations = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<RecordedRequest> _requests = new();
    private readonly HttpClient _toServers = new();
    private readonly string _root = Directory.CreateTempSubdirectory("fake-azureml-").FullName;

    public static AzureMlWorkspace Workspace => new(Subscription, ResourceGroup, WorkspaceName);

    public IReadOnlyList<RecordedRequest> Requests => _requests.ToList();

    /// <summary>The next this many ARM requests are answered 429 with <see cref="RetryAfterSeconds"/>.</summary>
    public int ThrottleNext { get; set; }

    public int RetryAfterSeconds { get; set; } = 7;

    /// <summary>Another operation runs on every endpoint: PUTs on it are answered 409.</summary>
    public bool EndpointBusy { get; set; }

    /// <summary>Deployments fail provisioning for want of quota, as Azure ML reports it on the operation.</summary>
    public bool OutOfQuota { get; set; }

    /// <summary>Deployments whose server answers wrong (a broken image, the wrong model).</summary>
    public HashSet<string> AnswersWrong { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Requests routed by the traffic split (no deployment header) are answered wrong.</summary>
    public bool TrafficAnswersWrong { get; set; }

    /// <summary>Polls a long-running operation stays InProgress before it ends.</summary>
    public int PollsPerOperation { get; set; } = 2;

    public IReadOnlyDictionary<string, int> TrafficOf(string endpoint)
    {
        lock (_gate)
        {
            return _endpoints.TryGetValue(endpoint, out var e) ? new Dictionary<string, int>(e.Traffic) : new Dictionary<string, int>();
        }
    }

    public IReadOnlyList<string> DeploymentsOf(string endpoint)
    {
        lock (_gate)
        {
            return _deployments.Values.Where(d => d.Endpoint == endpoint).Select(d => d.Name).Order().ToList();
        }
    }

    public IReadOnlyCollection<string> BlobNames
    {
        get
        {
            lock (_gate)
            {
                return _blobs.Keys.ToList();
            }
        }
    }

    /// <summary>An endpoint as if deployed before: Succeeded, one deployment of the given model with all traffic.</summary>
    public async Task SeedLiveDeploymentAsync(string endpoint, string deployment, string repository, string model)
    {
        var server = await ServeAsync(repository, model);
        lock (_gate)
        {
            _endpoints[endpoint] = new Endpoint(endpoint, "Key") { State = "Succeeded", Traffic = { [deployment] = 100 } };
            _deployments[$"{endpoint}/{deployment}"] = new Deployment(endpoint, deployment, "seeded-model") { State = "Succeeded", Server = server };
        }
    }

    public async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        string bodyText;
        using (var reader = new StreamReader(request.Body, Encoding.UTF8))
        {
            bodyText = request.Host.Host.EndsWith(".blob.core.windows.net", StringComparison.Ordinal) ? "" : await reader.ReadToEndAsync();
        }

        JsonNode? body = null;
        if (!string.IsNullOrWhiteSpace(bodyText))
        {
            try
            {
                body = JsonNode.Parse(bodyText);
            }
            catch (System.Text.Json.JsonException)
            {
                await Error(context, 400, "InvalidRequestContent", "The request content was invalid and could not be deserialized.");
                Record(context, null);
                return;
            }
        }

        var host = request.Host.Host;
        if (host == "management.azure.com")
        {
            await ArmAsync(context, body);
        }
        else if (host == $"{StorageAccount}.blob.core.windows.net")
        {
            await BlobAsync(context);
        }
        else if (host.EndsWith($".{Location}.inference.ml.azure.com", StringComparison.Ordinal))
        {
            await ScoreAsync(context, body);
        }
        else
        {
            await Error(context, 404, "HostNotFound", $"No such host {host}");
        }

        Record(context, body);
    }

    private void Record(HttpContext context, JsonNode? body) =>
        _requests.Enqueue(new RecordedRequest(context.Request.Method, context.Request.Host.Host, context.Request.Path.Value ?? "",
            context.Request.QueryString.Value ?? "", body, context.Response.StatusCode));

    private async Task ArmAsync(HttpContext context, JsonNode? body)
    {
        var request = context.Request;
        var apiVersion = request.Query["api-version"].ToString();
        if (apiVersion.Length == 0)
        {
            await Error(context, 400, "MissingApiVersionParameter", "The api-version query parameter (?api-version=) is required for all requests.");
            return;
        }

        if (apiVersion != AzureMlArmApi.ApiVersion)
        {
            await Error(context, 400, "InvalidApiVersionParameter", $"The api-version '{apiVersion}' is invalid for this fake; it serves {AzureMlArmApi.ApiVersion}.");
            return;
        }

        if (!await AuthorizedAsync(context, ManagementScope))
        {
            return;
        }

        bool throttled;
        lock (_gate)
        {
            throttled = ThrottleNext > 0;
            ThrottleNext = Math.Max(0, ThrottleNext - 1);
        }

        if (throttled)
        {
            context.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            await Error(context, 429, "TooManyRequests", "The request is being throttled.");
            return;
        }

        var path = request.Path.Value!;
        var operation = OperationPath().Match(path);
        if (operation.Success)
        {
            await OperationAsync(context, operation.Groups["kind"].Value, operation.Groups["id"].Value);
            return;
        }

        var workspace = $"/subscriptions/{Subscription}/resourceGroups/{ResourceGroup}/providers/Microsoft.MachineLearningServices/workspaces/";
        if (!path.StartsWith(workspace, StringComparison.OrdinalIgnoreCase))
        {
            await Error(context, 404, "ResourceGroupNotFound", $"Resource group or subscription of {path} not found.");
            return;
        }

        var rest = path[workspace.Length..].Split('/');
        if (!rest[0].Equals(WorkspaceName, StringComparison.OrdinalIgnoreCase))
        {
            await Error(context, 404, "ResourceNotFound", $"The Resource 'Microsoft.MachineLearningServices/workspaces/{rest[0]}' under resource group '{ResourceGroup}' was not found.");
            return;
        }

        switch (rest.Length, request.Method)
        {
            case (1, "GET"):
                await Json(context, 200, new JsonObject { ["id"] = path, ["name"] = WorkspaceName, ["location"] = Location, ["properties"] = new JsonObject() });
                return;
            case (3, "GET") when rest[1] == "datastores" && rest[2] == AzureMlArmApi.DefaultDatastore:
                await Json(context, 200, new JsonObject
                {
                    ["name"] = AzureMlArmApi.DefaultDatastore,
                    ["properties"] = new JsonObject
                    {
                        ["datastoreType"] = "AzureBlob", ["accountName"] = StorageAccount, ["containerName"] = Container,
                        ["endpoint"] = "core.windows.net", ["protocol"] = "https", ["isDefault"] = true,
                    },
                });
                return;
            case (5, _) when rest[1] == "models" && rest[3] == "versions":
                await ModelVersionAsync(context, path, body);
                return;
            case (3, _) when rest[1] == "onlineEndpoints":
                await EndpointAsync(context, rest[2], path, body);
                return;
            case (4, "POST") when rest[1] == "onlineEndpoints" && rest[3] == "listKeys":
                await ListKeysAsync(context, rest[2]);
                return;
            case (5, _) when rest[1] == "onlineEndpoints" && rest[3] == "deployments":
                await DeploymentAsync(context, rest[2], rest[4], path, body);
                return;
            default:
                await Error(context, 404, "NoRegisteredProviderFound", $"No route for {request.Method} {path} in this fake.");
                return;
        }
    }

    private async Task<bool> AuthorizedAsync(HttpContext context, string audience)
    {
        var header = context.Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.Ordinal))
        {
            await Error(context, 401, "AuthenticationFailed", "Authentication failed. The 'Authorization' header is missing.");
            return false;
        }

        var token = header["Bearer ".Length..].Split('|');
        if (token.Length != 2 || token[1] != audience)
        {
            await Error(context, 401, "InvalidAuthenticationTokenAudience", $"The access token has been obtained for the wrong audience or resource '{(token.Length > 1 ? token[1] : "?")}'.");
            return false;
        }

        if (token[0] == "expired")
        {
            await Error(context, 401, "ExpiredAuthenticationToken", "The access token expiry UTC time is earlier than current UTC time.");
            return false;
        }

        return true;
    }

    private async Task BlobAsync(HttpContext context)
    {
        if (!await AuthorizedAsync(context, StorageScope))
        {
            return;
        }

        var request = context.Request;
        if (request.Method != "PUT" || request.Headers["x-ms-blob-type"] != "BlockBlob" || string.IsNullOrEmpty(request.Headers["x-ms-version"]))
        {
            await Error(context, 400, "MissingRequiredHeader", "An HTTP header that's mandatory for this request is not specified (x-ms-blob-type, x-ms-version).");
            return;
        }

        var name = request.Path.Value!.TrimStart('/');
        if (!name.StartsWith(Container + "/", StringComparison.Ordinal))
        {
            await Error(context, 404, "ContainerNotFound", "The specified container does not exist.");
            return;
        }

        using var data = new MemoryStream();
        await request.Body.CopyToAsync(data);
        lock (_gate)
        {
            _blobs[name[(Container.Length + 1)..]] = data.ToArray();
        }

        context.Response.StatusCode = 201;
    }

    private async Task ModelVersionAsync(HttpContext context, string path, JsonNode? body)
    {
        if (context.Request.Method == "GET")
        {
            JsonNode? registered;
            lock (_gate)
            {
                _models.TryGetValue(path, out registered);
            }

            await (registered is null ? Error(context, 404, "UserError", "Not found.") : Json(context, 200, registered.DeepClone()));
            return;
        }

        var properties = body?["properties"];
        var modelType = properties?["modelType"]?.GetValue<string>();
        var modelUri = properties?["modelUri"]?.GetValue<string>();
        if (modelType != "triton_model" || modelUri is null)
        {
            await Error(context, 400, "UserError", "properties.modelType (triton_model here) and properties.modelUri are required.");
            return;
        }

        var prefix = DatastorePath(modelUri);
        bool uploaded;
        lock (_gate)
        {
            uploaded = prefix is not null && _blobs.Keys.Any(k => k.StartsWith(prefix + "/", StringComparison.Ordinal) && k.EndsWith("/config.pbtxt", StringComparison.Ordinal));
        }

        if (!uploaded)
        {
            await Error(context, 400, "UserError", $"No Triton model repository (no */config.pbtxt) found at {modelUri}.");
            return;
        }

        var model = new JsonObject { ["id"] = path, ["name"] = path.Split('/')[^1], ["properties"] = properties!.DeepClone() };
        lock (_gate)
        {
            _models[path] = model;
        }

        await Json(context, 201, model.DeepClone());
    }

    private async Task EndpointAsync(HttpContext context, string name, string path, JsonNode? body)
    {
        switch (context.Request.Method)
        {
            case "GET":
                Endpoint? endpoint;
                lock (_gate)
                {
                    _endpoints.TryGetValue(name, out endpoint);
                }

                await (endpoint is null
                    ? Error(context, 404, "ResourceNotFound", $"The online endpoint '{name}' was not found.")
                    : Json(context, 200, Describe(endpoint, path)));
                return;
            case "PUT":
                if (AzureMlNames.EndpointProblem(name) is { } problem)
                {
                    await Error(context, 400, "BadArgument", problem);
                    return;
                }

                if (EndpointBusy)
                {
                    await Error(context, 409, "Conflict", $"An operation is already in progress on endpoint '{name}'. Please retry after it completes.");
                    return;
                }

                var location = body?["location"]?.GetValue<string>();
                var authMode = body?["properties"]?["authMode"]?.GetValue<string>();
                if (location is null || authMode is not ("Key" or "AMLToken" or "AADToken"))
                {
                    await Error(context, 400, "BadArgument", "location and properties.authMode (Key, AMLToken or AADToken) are required.");
                    return;
                }

                var traffic = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
                foreach (var (deployment, percent) in body!["properties"]?["traffic"] as JsonObject ?? [])
                {
                    traffic[deployment] = percent!.GetValue<int>();
                }

                string? trafficProblem;
                Endpoint target;
                lock (_gate)
                {
                    trafficProblem = TrafficProblem(name, traffic);
                    var created = !_endpoints.TryGetValue(name, out var existing);
                    target = existing ?? new Endpoint(name, authMode);
                    if (trafficProblem is null)
                    {
                        target.State = created ? "Creating" : "Updating";
                        _endpoints[name] = target;
                    }
                }

                if (trafficProblem is not null)
                {
                    await Error(context, 400, "BadArgument", trafficProblem);
                    return;
                }

                var id = Start(() =>
                {
                    target.AuthMode = authMode;
                    target.Traffic.Clear();
                    foreach (var (deployment, percent) in traffic)
                    {
                        target.Traffic[deployment] = percent;
                    }

                    target.State = "Succeeded";
                    return Task.CompletedTask;
                }, () => target.State = "Failed");
                AsyncOperationHeaders(context, id);
                await Json(context, 201, Describe(target, path));
                return;
            default:
                await Error(context, 405, "MethodNotAllowed", "Not served by this fake.");
                return;
        }
    }

    private async Task DeploymentAsync(HttpContext context, string endpointName, string name, string path, JsonNode? body)
    {
        var key = $"{endpointName}/{name}";
        switch (context.Request.Method)
        {
            case "GET":
                Deployment? found;
                lock (_gate)
                {
                    _deployments.TryGetValue(key, out found);
                }

                await (found is null ? Error(context, 404, "ResourceNotFound", $"Deployment {name} not found.") : Json(context, 200, Describe(found, path)));
                return;
            case "PUT":
                var properties = body?["properties"];
                var model = properties?["model"]?.GetValue<string>();
                var problem = AzureMlNames.DeploymentProblem(name)
                    ?? (body?["location"] is null ? "location is required." : null)
                    ?? (properties?["endpointComputeType"]?.GetValue<string>() != "Managed" ? "properties.endpointComputeType must be Managed for a managed online deployment." : null)
                    ?? (string.IsNullOrEmpty(properties?["instanceType"]?.GetValue<string>()) ? "properties.instanceType is required." : null)
                    ?? ((body?["sku"]?["capacity"]?.GetValue<int>() ?? 0) < 1 ? "sku.capacity (the instance count) must be at least 1." : null);
                Endpoint? endpoint;
                bool modelKnown;
                lock (_gate)
                {
                    _endpoints.TryGetValue(endpointName, out endpoint);
                    modelKnown = model is not null && _models.ContainsKey(model);
                }

                problem ??= endpoint is null || endpoint.State != "Succeeded" ? $"Endpoint {endpointName} does not exist or is not provisioned." : null;
                problem ??= !modelKnown ? $"Model {model} is not a registered model version of this workspace." : null;
                if (problem is not null)
                {
                    await Error(context, 400, "BadArgument", problem);
                    return;
                }

                var deployment = new Deployment(endpointName, name, model!) { State = "Creating" };
                lock (_gate)
                {
                    _deployments[key] = deployment;
                }

                var modelUri = ((JsonNode)_models[model!])["properties"]!["modelUri"]!.GetValue<string>();
                string? quotaMessage = OutOfQuota ? $"Not enough quota available for {properties!["instanceType"]} in subscription {Subscription}." : null;
                var id = Start(async () =>
                {
                    deployment.Server = await ServeUploadAsync(modelUri);
                    deployment.State = "Succeeded";
                }, () => deployment.State = "Failed", quotaMessage is null ? null : ("QuotaExceeded", quotaMessage));
                AsyncOperationHeaders(context, id);
                await Json(context, 201, Describe(deployment, path));
                return;
            case "DELETE":
                lock (_gate)
                {
                    if (!_deployments.TryGetValue(key, out found))
                    {
                        context.Response.StatusCode = 204;
                        return;
                    }

                    if (_endpoints.TryGetValue(endpointName, out var owner) && owner.Traffic.TryGetValue(name, out var percent) && percent > 0)
                    {
                        problem = $"Deployment {name} has {percent}% of the traffic; set it to 0 before deleting it.";
                    }
                    else
                    {
                        problem = null;
                        found.State = "Deleting";
                    }
                }

                if (problem is not null)
                {
                    await Error(context, 400, "BadArgument", problem);
                    return;
                }

                var deleteId = Start(async () =>
                {
                    lock (_gate)
                    {
                        _deployments.Remove(key);
                    }

                    if (found.Server is not null)
                    {
                        await found.Server.DisposeAsync();
                    }
                }, () => { });
                context.Response.Headers.Location = OperationUrl("mfeOperationResults", deleteId);
                context.Response.Headers.RetryAfter = "10";
                context.Response.StatusCode = 202;
                return;
        }
    }

    private async Task ListKeysAsync(HttpContext context, string endpoint)
    {
        bool exists;
        lock (_gate)
        {
            exists = _endpoints.ContainsKey(endpoint);
        }

        await (exists
            ? Json(context, 200, new JsonObject { ["primaryKey"] = PrimaryKey, ["secondaryKey"] = "secondary-key-4567" })
            : Error(context, 404, "ResourceNotFound", $"The online endpoint '{endpoint}' was not found."));
    }

    private async Task OperationAsync(HttpContext context, string kind, string id)
    {
        Operation? operation;
        lock (_gate)
        {
            _operations.TryGetValue(id, out operation);
        }

        if (operation is null)
        {
            await Error(context, 404, "OperationNotFound", $"Operation {id} not found.");
            return;
        }

        var status = await operation.PollAsync(PollsPerOperation);
        if (kind == "mfeOperationResults")
        {
            context.Response.StatusCode = status == "InProgress" ? 202 : 200;
            if (status == "InProgress")
            {
                context.Response.Headers.Location = OperationUrl("mfeOperationResults", id);
            }

            return;
        }

        var answer = new JsonObject { ["id"] = id, ["name"] = id, ["status"] = status };
        if (operation.Error is { } error)
        {
            answer["error"] = new JsonObject { ["code"] = error.Code, ["message"] = error.Message };
        }

        await Json(context, 200, answer);
    }

    private async Task ScoreAsync(HttpContext context, JsonNode? body)
    {
        var request = context.Request;
        var endpointName = request.Host.Host.Split('.')[0];
        Endpoint? endpoint;
        lock (_gate)
        {
            _endpoints.TryGetValue(endpointName, out endpoint);
        }

        if (endpoint is null)
        {
            await Error(context, 404, "EndpointNotFound", $"No endpoint {endpointName}.");
            return;
        }

        if (request.Headers.Authorization.ToString() != $"Bearer {PrimaryKey}")
        {
            context.Response.StatusCode = 401;
            await context.Response.WriteAsync("key_auth_access_denied");
            return;
        }

        var asked = request.Headers[TritonRestSmokeTest.DeploymentHeader].ToString();
        Deployment? deployment;
        lock (_gate)
        {
            var name = asked.Length > 0 ? asked : endpoint.Traffic.Where(t => t.Value > 0).OrderByDescending(t => t.Value).Select(t => t.Key).FirstOrDefault();
            deployment = name is null ? null : _deployments.GetValueOrDefault($"{endpointName}/{name}");
        }

        if (deployment?.Server is null || deployment.State != "Succeeded")
        {
            context.Response.StatusCode = asked.Length > 0 ? 404 : 424;
            await context.Response.WriteAsync(asked.Length > 0 ? $"deployment {asked} not found" : "no deployment has traffic");
            return;
        }

        using var forwarded = await _toServers.PostAsync(new Uri(deployment.Server.HttpAddress, request.Path.Value),
            new StringContent(body?.ToJsonString() ?? "", Encoding.UTF8, "application/json"));
        var answer = JsonNode.Parse(await forwarded.Content.ReadAsStringAsync());
        if (AnswersWrong.Contains(deployment.Name) || (TrafficAnswersWrong && asked.Length == 0))
        {
            foreach (var output in answer?["outputs"] as JsonArray ?? [])
            {
                output!["data"] = new JsonArray(output["data"]!.AsArray().Select(v => (JsonNode)JsonValue.Create(v!.GetValue<float>() + 0.5f)).ToArray());
            }
        }

        await Json(context, (int)forwarded.StatusCode, answer ?? new JsonObject());
    }

    /// <summary>The repository under a model URI's datastore path, written out and served by a real embedded server.</summary>
    private async Task<EmbeddedInferenceServer> ServeUploadAsync(string modelUri)
    {
        var prefix = DatastorePath(modelUri)!;
        var directory = Path.Combine(_root, Guid.NewGuid().ToString("N"));
        List<string> models;
        lock (_gate)
        {
            foreach (var (name, data) in _blobs.Where(b => b.Key.StartsWith(prefix + "/", StringComparison.Ordinal)))
            {
                var file = Path.Combine(directory, name[(prefix.Length + 1)..]);
                Directory.CreateDirectory(Path.GetDirectoryName(file)!);
                File.WriteAllBytes(file, data);
            }

            models = Directory.EnumerateDirectories(directory).Select(Path.GetFileName).ToList()!;
        }

        return await EmbeddedInferenceServer.StartAsync(new InferenceServerOptions
        {
            ModelRepository = directory, ControlMode = ModelControlMode.Explicit, LoadModels = models,
        });
    }

    private static Task<EmbeddedInferenceServer> ServeAsync(string repository, string model) =>
        EmbeddedInferenceServer.StartAsync(new InferenceServerOptions { ModelRepository = repository, ControlMode = ModelControlMode.Explicit, LoadModels = [model] });

    private string? TrafficProblem(string endpoint, IReadOnlyDictionary<string, int> traffic)
    {
        foreach (var (deployment, percent) in traffic)
        {
            if (!_deployments.ContainsKey($"{endpoint}/{deployment}"))
            {
                return $"Traffic names deployment '{deployment}', which endpoint {endpoint} does not have.";
            }

            if (percent is < 0 or > 100)
            {
                return $"Traffic of {deployment} is {percent}; it must be 0-100.";
            }
        }

        var sum = traffic.Values.Sum();
        return sum is 0 or 100 ? null : $"Traffic must sum to 0 or 100, not {sum}.";
    }

    private static string? DatastorePath(string modelUri)
    {
        var marker = $"/datastores/{AzureMlArmApi.DefaultDatastore}/paths/";
        var at = modelUri.IndexOf(marker, StringComparison.Ordinal);
        return modelUri.StartsWith("azureml://", StringComparison.Ordinal) && at > 0 ? modelUri[(at + marker.Length)..].TrimEnd('/') : null;
    }

    private string Start(Func<Task> succeed, Action fail, (string Code, string Message)? error = null)
    {
        var id = Guid.NewGuid().ToString("N");
        lock (_gate)
        {
            _operations[id] = new Operation(succeed, fail, error);
        }

        return id;
    }

    private static void AsyncOperationHeaders(HttpContext context, string id)
    {
        context.Response.Headers["Azure-AsyncOperation"] = OperationUrl("mfeOperationsStatus", id);
        context.Response.Headers.RetryAfter = "5";
    }

    private static string OperationUrl(string kind, string id) =>
        $"https://management.azure.com/subscriptions/{Subscription}/providers/Microsoft.MachineLearningServices/locations/{Location}/{kind}/{id}?api-version={AzureMlArmApi.ApiVersion}";

    private static JsonObject Describe(Endpoint endpoint, string path) => new()
    {
        ["id"] = path,
        ["name"] = endpoint.Name,
        ["location"] = Location,
        ["properties"] = new JsonObject
        {
            ["authMode"] = endpoint.AuthMode,
            ["provisioningState"] = endpoint.State,
            ["scoringUri"] = $"https://{endpoint.Name}.{Location}.inference.ml.azure.com/score",
            ["traffic"] = new JsonObject(endpoint.Traffic.Select(t => KeyValuePair.Create(t.Key, (JsonNode?)t.Value))),
        },
    };

    private static JsonObject Describe(Deployment deployment, string path) => new()
    {
        ["id"] = path,
        ["name"] = deployment.Name,
        ["location"] = Location,
        ["properties"] = new JsonObject { ["provisioningState"] = deployment.State, ["model"] = deployment.Model, ["endpointComputeType"] = "Managed" },
    };

    private static Task Json(HttpContext context, int status, JsonNode body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(body.ToJsonString());
    }

    private static Task Error(HttpContext context, int status, string code, string message)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(ErrorBody(code, message));
    }

    private static string ErrorBody(string code, string message) =>
        new JsonObject { ["error"] = new JsonObject { ["code"] = code, ["message"] = message } }.ToJsonString();

    public async ValueTask DisposeAsync()
    {
        List<Deployment> deployments;
        lock (_gate)
        {
            deployments = _deployments.Values.ToList();
        }

        foreach (var deployment in deployments.Where(d => d.Server is not null))
        {
            await deployment.Server!.DisposeAsync();
        }

        _toServers.Dispose();
        Directory.Delete(_root, recursive: true);
    }

    [GeneratedRegex("^/subscriptions/[^/]+/providers/Microsoft.MachineLearningServices/locations/[^/]+/(?<kind>mfeOperationsStatus|mfeOperationResults)/(?<id>[0-9a-f]+)$", RegexOptions.IgnoreCase)]
    private static partial Regex OperationPath();

    private sealed class Endpoint(string name, string authMode)
    {
        public string Name { get; } = name;

        public string AuthMode { get; set; } = authMode;

        public string State { get; set; } = "Creating";

        public Dictionary<string, int> Traffic { get; } = new(StringComparer.OrdinalIgnoreCase);
    }

    private sealed class Deployment(string endpoint, string name, string model)
    {
        public string Endpoint { get; } = endpoint;

        public string Name { get; } = name;

        public string Model { get; } = model;

        public string State { get; set; } = "Creating";

        public EmbeddedInferenceServer? Server { get; set; }
    }

    /// <summary>A long-running operation: InProgress for some polls, then it applies its outcome once.</summary>
    private sealed class Operation(Func<Task> succeed, Action fail, (string Code, string Message)? error)
    {
        private readonly SemaphoreSlim _gate = new(1, 1);
        private int _polls;
        private string? _final;

        public (string Code, string Message)? Error => _final == "Failed" ? error : null;

        public async Task<string> PollAsync(int pollsBeforeEnd)
        {
            await _gate.WaitAsync();
            try
            {
                if (_final is not null)
                {
                    return _final;
                }

                if (++_polls <= pollsBeforeEnd)
                {
                    return "InProgress";
                }

                if (error is not null)
                {
                    fail();
                    _final = "Failed";
                }
                else
                {
                    await succeed();
                    _final = "Succeeded";
                }

                return _final;
            }
            finally
            {
                _gate.Release();
            }
        }
    }
}
