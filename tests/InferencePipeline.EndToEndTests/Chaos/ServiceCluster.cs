using System.Net;
using InferencePipeline.EndToEndTests.StartupFaults;
using InferencePipeline.LocalInfrastructure;
using InferencePipeline.Testing;

namespace InferencePipeline.EndToEndTests.Chaos;

/// <summary>
/// The distributed system as separate OS processes, as the AppHost runs it on one machine: a private RabbitMQ and Redis
/// (restartable on the same port and data), the embedded inference server, the orchestrator with its HTTP API and the
/// five stage hosts, each <c>dotnet &lt;host dll&gt;</c> with its settings in environment variables. A test kills any of
/// them and starts it again; the logs of every process it ever ran stay readable.
/// </summary>
public sealed class ServiceCluster : IAsyncLifetime
{
    public const string ApiKey = "chaos-tests-api-key-0123456789";

    public static readonly string[] Stages = ["Converter", "OrtTuner", "TritonProfiler", "Analyzer", "Deployer"];

    /// <summary>Services that keep state in Redis; the others are not given it, as in the AppHost.</summary>
    private static readonly HashSet<string> Stateful = ["Orchestrator", "TritonProfiler"];

    /// <summary>Seven .NET processes starting together on two busy cores.</summary>
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(4);

    private readonly string _root = Directory.CreateTempSubdirectory("inferpipe-chaos-").FullName;
    private readonly Dictionary<string, HostProcess> _running = [];
    private readonly List<(string Name, HostProcess Process)> _all = [];
    private readonly Lock _gate = new();
    private HostProcess? _inferenceServer;

    public RestartableServer RabbitMq { get; } = RestartableServer.RabbitMq();

    public RestartableServer Redis { get; } = RestartableServer.Redis();

    public string ArtifactsRoot => Path.Combine(_root, "artifacts");

    public string ModelRepository => Path.Combine(_root, "model-repository");

    public PipelineApiClient Api { get; private set; } = null!;

    private string _grpcAddress = "";

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(ArtifactsRoot);
        Directory.CreateDirectory(ModelRepository);
        await Task.WhenAll(RabbitMq.StartAsync(), Redis.StartAsync(), StartInferenceServerAsync());
        var orchestratorUrl = $"http://127.0.0.1:{FreePort.Get()}";
        await Task.WhenAll(Stages.Select(stage => StartAsync(stage)).Append(StartAsync("Orchestrator", orchestratorUrl)));
        Api = new PipelineApiClient(new Uri(orchestratorUrl), ApiKey);
    }

    private async Task StartInferenceServerAsync()
    {
        var grpcPort = FreePort.Get();
        var httpPort = FreePort.Get();
        _grpcAddress = $"http://127.0.0.1:{grpcPort}";
        _inferenceServer = HostProcess.Start("InferenceServer", new Dictionary<string, string>(),
            ["--model-repository", ModelRepository, "--model-control-mode", "explicit", "--grpc-port", grpcPort.ToString(), "--http-port", httpPort.ToString()]);
        lock (_gate)
        {
            _all.Add(("InferenceServer", _inferenceServer));
        }
        await WaitHealthyAsync("InferenceServer", _inferenceServer, $"http://127.0.0.1:{httpPort}");
    }

    /// <summary>Starts a service host (again) under <paramref name="name"/> (the host's name, or e.g. "TritonProfiler#2" for a
    /// second replica) and waits until its /health says its bus is connected.</summary>
    public async Task StartAsync(string name, string? url = null)
    {
        var service = name.Split('#')[0];
        url ??= $"http://127.0.0.1:{FreePort.Get()}";
        var process = HostProcess.Start(service, Settings(service, url), []);
        lock (_gate)
        {
            _running[name] = process;
            _all.Add((name, process));
        }
        await WaitHealthyAsync(name, process, url);
    }

    /// <summary>SIGKILLs a running service host; returns its process id.</summary>
    public async Task<int> KillAsync(string name)
    {
        HostProcess process;
        lock (_gate)
        {
            process = _running[name];
            _running.Remove(name);
        }
        var id = process.Id;
        await process.KillAsync();
        return id;
    }

    /// <summary>SIGSTOPs a running service host: it keeps its broker connection and any command delivered to it, and does no work.</summary>
    public void Freeze(string name)
    {
        lock (_gate)
        {
            _running[name].Freeze();
        }
    }

    /// <summary>Stops a service host for good (a replica a test added).</summary>
    public async Task StopAsync(string name)
    {
        HostProcess process;
        lock (_gate)
        {
            process = _running[name];
            _running.Remove(name);
        }
        await process.DisposeAsync();
    }

    /// <summary>Every stdout line of every process ever started under <paramref name="name"/> (or its replicas, "name#n"), killed ones included.</summary>
    public IReadOnlyList<string> LogOf(string name)
    {
        lock (_gate)
        {
            return [.. _all.Where(p => p.Name == name || p.Name.StartsWith(name + "#", StringComparison.Ordinal)).SelectMany(p => p.Process.Stdout)];
        }
    }

    /// <summary>The stdout of each process started under <paramref name="name"/> or its replicas, one list per process.</summary>
    public IReadOnlyList<(string Name, IReadOnlyList<string> Lines)> LogsByProcess(string name)
    {
        lock (_gate)
        {
            return [.. _all.Where(p => p.Name == name || p.Name.StartsWith(name + "#", StringComparison.Ordinal)).Select(p => ($"{p.Name} (pid {p.Process.Id})", p.Process.Stdout))];
        }
    }

    /// <summary>What went wrong where: the last lines of every process, for a failure message.</summary>
    public string Describe()
    {
        lock (_gate)
        {
            return string.Join("\n", _all.Select(p => $"=== {p.Name} (pid {p.Process.Id}, {(p.Process.HasExited ? "exited" : "running")})\n{p.Process.Describe()}"));
        }
    }

    /// <summary>The local path of an <c>artifacts/...</c> URI.</summary>
    public string PathOf(string artifactUri) => Path.Combine(ArtifactsRoot, artifactUri["artifacts/".Length..]);

    private Dictionary<string, string> Settings(string service, string url)
    {
        var settings = new Dictionary<string, string>
        {
            ["ASPNETCORE_URLS"] = url,
            ["ConnectionStrings__rabbitmq"] = RabbitMq.ConnectionString,
            ["Pipeline__Artifacts__Root"] = ArtifactsRoot,
            ["Pipeline__InferenceServer__GrpcAddress"] = _grpcAddress,
            ["Pipeline__InferenceServer__ModelRepository"] = ModelRepository,
            ["Pipeline__Api__Key"] = ApiKey,
            ["Pipeline__Startup__DependencyTimeout"] = "00:03:00",
            // A killed profiler's server lock frees itself when its lease runs out: 10 s instead of 30 keeps the wait short.
            ["Pipeline__Profiler__LockLease"] = "00:00:10",
            // Timestamps to the millisecond, in UTC: the tests order the profilers' measurements by them.
            ["Logging__Console__FormatterOptions__TimestampFormat"] = "yyyy-MM-ddTHH:mm:ss.fff ",
            ["Logging__Console__FormatterOptions__UseUtcTimestamp"] = "true",
        };
        if (Stateful.Contains(service))
        {
            settings["ConnectionStrings__redis"] = Redis.ConnectionString;
        }
        foreach (var (key, value) in TestRequests.FastStages)
        {
            settings[key.Replace(":", "__", StringComparison.Ordinal)] = value!;
        }
        return settings;
    }

    private async Task WaitHealthyAsync(string name, HostProcess process, string url)
    {
        using var http = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(10) };
        await Eventually.TrueAsync(async () =>
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"{name} exited before it was healthy:\n{process.Describe()}");
            }
            try
            {
                return (await http.GetAsync("/health")).StatusCode == HttpStatusCode.OK;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                return false;
            }
        }, StartTimeout, $"{name} to answer /health with 200:\n{process.Describe()}", TimeSpan.FromMilliseconds(250));
    }

    public async Task DisposeAsync()
    {
        Api?.Dispose();
        List<HostProcess> processes;
        lock (_gate)
        {
            processes = [.. _all.Select(p => p.Process)];
        }
        foreach (var process in processes)
        {
            await process.DisposeAsync();
        }
        await RabbitMq.DisposeAsync();
        await Redis.DisposeAsync();
        Directory.Delete(_root, recursive: true);
    }
}
