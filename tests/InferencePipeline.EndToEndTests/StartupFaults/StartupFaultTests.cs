using System.Net;
using System.Net.Sockets;
using InferencePipeline.LocalInfrastructure;
using InferencePipeline.Testing;

namespace InferencePipeline.EndToEndTests.StartupFaults;

/// <summary>
/// The real host processes meeting the faults an operator meets in the first hour: a port already taken, a model
/// repository that is missing or unreadable, RabbitMQ or Redis not there. Each ends in one line on stderr naming the
/// cause and the setting that fixes it, a non-zero exit and no stack trace; a service started before its broker waits
/// for it, saying so, and then serves.
/// </summary>
[Collection(PipelineServers.Collection)]
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")] // Unix file modes and setpriv; the hosts themselves run anywhere
public sealed class StartupFaultTests(PipelineServers servers) : IDisposable
{
    private static readonly TimeSpan ExitTimeout = TimeSpan.FromSeconds(120);

    /// <summary>How long a start waits for RabbitMQ or Redis in these tests (a minute by default).</summary>
    private const string ShortDependencyWait = "00:00:02";

    public static TheoryData<string> ServiceHosts => ["Orchestrator", "Converter", "OrtTuner", "TritonProfiler", "Analyzer", "Deployer"];

    private readonly string _directory = Directory.CreateTempSubdirectory("inferpipe-startup-").FullName;

    public void Dispose()
    {
        foreach (var directory in Directory.EnumerateDirectories(_directory, "*", SearchOption.AllDirectories).Prepend(_directory))
        {
            File.SetUnixFileMode(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task A_busy_grpc_port_stops_the_inference_server_with_one_line_naming_the_flag()
    {
        using var taken = Occupy(IPAddress.Any);
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;

        await using var host = HostProcess.Start("InferenceServer", new Dictionary<string, string>(),
            ["--model-repository", _directory, "--grpc-port", port.ToString(), "--http-port", FreePort.Get().ToString()]);

        await AssertOneLineFaultAsync(host, $"port {port} is already in use", "--grpc-port");
    }

    [Fact]
    public async Task A_missing_model_repository_stops_the_inference_server_naming_path_and_flag()
    {
        var missing = Path.Combine(_directory, "no-such-repository");

        await using var host = HostProcess.Start("InferenceServer", new Dictionary<string, string>(), ServerArguments(missing));

        await AssertOneLineFaultAsync(host, $"model repository '{missing}' does not exist", "--model-repository");
    }

    [Fact]
    public async Task An_unreadable_model_repository_stops_the_inference_server_naming_path_and_flag()
    {
        var locked = Directory.CreateDirectory(Path.Combine(_directory, "locked")).FullName;
        Directory.CreateDirectory(Path.Combine(locked, "model"));
        // Others may reach the directory, and may not read it.
        File.SetUnixFileMode(_directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.OtherExecute);
        File.SetUnixFileMode(locked, UnixFileMode.None);
        // root reads any directory: the host then runs as 'nobody', as a service account would.
        string[] launcher = Environment.UserName == "root" ? ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"] : [];

        await using var host = HostProcess.Start("InferenceServer", new Dictionary<string, string> { ["HOME"] = Path.GetTempPath() },
            ServerArguments(locked), launcher);

        await AssertOneLineFaultAsync(host, $"model repository '{locked}' cannot be read", "--model-repository");
    }

    [Theory]
    [MemberData(nameof(ServiceHosts))]
    public async Task A_busy_port_stops_a_service_with_one_line_naming_the_setting(string service)
    {
        using var taken = Occupy(IPAddress.Loopback);
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;

        await using var host = HostProcess.Start(service, new Dictionary<string, string> { ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}" }, []);

        await AssertOneLineFaultAsync(host, $"port {port} is already in use", "ASPNETCORE_URLS");
    }

    [Theory]
    [InlineData("Converter")]
    [InlineData("Orchestrator")]
    public async Task Rabbitmq_unreachable_at_start_is_retried_with_backoff_then_one_line_naming_the_connection_string(string service)
    {
        var port = FreePort.Get();

        await using var host = HostProcess.Start(service, Settings(rabbitMq: $"amqp://guest:guest@127.0.0.1:{port}/"), []);

        await AssertOneLineFaultAsync(host, $"RabbitMQ at 127.0.0.1:{port} could not be used", "(connection refused)", "ConnectionStrings:rabbitmq",
            "Pipeline:Startup:DependencyTimeout");
        Assert.Contains(host.Stdout, line => line.Contains($"RabbitMQ at 127.0.0.1:{port} (ConnectionStrings:rabbitmq) is not ready yet (connection refused); retry 1 in 0.5 s"));
        Assert.Contains(host.Stdout, line => line.Contains("retry 2 in 1 s"));
    }

    [Fact]
    public async Task A_message_size_limit_that_is_not_a_number_of_bytes_stops_a_service_with_one_line_naming_the_setting()
    {
        var settings = Settings(rabbitMq: servers.RabbitMq.ConnectionString);
        settings["Pipeline__Messaging__MaxMessageBytes"] = "4MiB";

        await using var host = HostProcess.Start("Converter", settings, []);

        await AssertOneLineFaultAsync(host, "Pipeline:Messaging:MaxMessageBytes is '4MiB', not a positive number of bytes");
    }

    [Fact]
    public async Task A_wrong_rabbitmq_password_is_named_as_such()
    {
        var address = new Uri(servers.RabbitMq.ConnectionString);

        await using var host = HostProcess.Start("Converter",
            Settings(rabbitMq: $"amqp://guest:not-the-password@{address.Host}:{address.Port}/"), []);

        await AssertOneLineFaultAsync(host, "login refused for user 'guest'", "ConnectionStrings:rabbitmq");
    }

    [Theory]
    [InlineData("Orchestrator")]
    [InlineData("TritonProfiler")]
    public async Task Redis_unreachable_at_start_ends_in_one_line_naming_the_connection_string(string service)
    {
        var port = FreePort.Get();

        await using var host = HostProcess.Start(service,
            Settings(rabbitMq: servers.RabbitMq.ConnectionString, redis: $"127.0.0.1:{port}"), []);

        await AssertOneLineFaultAsync(host, $"Redis at 127.0.0.1:{port} could not be used", "(connection refused)", "ConnectionStrings:redis");
        Assert.Contains(host.Stdout, line => line.Contains($"Redis at 127.0.0.1:{port} (ConnectionStrings:redis) is not ready yet"));
    }

    [Fact]
    public async Task A_service_started_before_its_broker_waits_for_it_and_then_serves()
    {
        var port = FreePort.Get();
        var url = $"http://127.0.0.1:{FreePort.Get()}";
        var settings = Settings(rabbitMq: $"amqp://guest:guest@127.0.0.1:{port}/");
        settings["Pipeline__Startup__DependencyTimeout"] = "00:05:00";
        settings["ASPNETCORE_URLS"] = url;
        await using var host = HostProcess.Start("Converter", settings, []);
        await host.WaitForLogAsync("is not ready yet (connection refused); retry 2 in", ExitTimeout);

        var binary = LocalServerBinaries.RequireRabbitMq(LocalServerProcess.Otherwise);
        var node = RabbitMqNode.Prepare(LocalServerProcess.NewWorkDirectory("rabbitmq-late"), port, FreePort.Get());
        await using var broker = LocalServerProcess.Start(binary, [], node.Environment, node.Directory);

        await host.WaitForLogAsync($"RabbitMQ at 127.0.0.1:{port} is reachable after", ExitTimeout);
        using var http = new HttpClient { BaseAddress = new Uri(url) };
        await Eventually.TrueAsync(async () =>
        {
            try
            {
                return (await http.GetAsync("/health")).StatusCode == HttpStatusCode.OK;
            }
            catch (HttpRequestException)
            {
                return false;
            }
        }, ExitTimeout, $"the converter to answer /health once RabbitMQ is up:\n{host.Describe()}");
        Assert.Empty(host.Stderr);
    }

    private string[] ServerArguments(string repository) =>
        ["--model-repository", repository, "--grpc-port", FreePort.Get().ToString(), "--http-port", FreePort.Get().ToString()];

    private static Dictionary<string, string> Settings(string rabbitMq, string? redis = null)
    {
        var settings = new Dictionary<string, string>
        {
            ["ConnectionStrings__rabbitmq"] = rabbitMq,
            ["Pipeline__Startup__DependencyTimeout"] = ShortDependencyWait,
            ["ASPNETCORE_URLS"] = "http://127.0.0.1:0",
        };
        if (redis is not null)
        {
            settings["ConnectionStrings__redis"] = redis;
        }
        return settings;
    }

    private static TcpListener Occupy(IPAddress address)
    {
        var listener = new TcpListener(address, 0);
        listener.Start();
        return listener;
    }

    /// <summary>Exit code 1, one line on stderr starting "error: " and holding each of <paramref name="expected"/>, no stack trace anywhere.</summary>
    private static async Task AssertOneLineFaultAsync(HostProcess host, params string[] expected)
    {
        var exitCode = await host.WaitForExitAsync(ExitTimeout);

        Assert.True(exitCode == 1, $"exit code {exitCode}:\n{host.Describe()}");
        var line = Assert.Single(host.Stderr, l => l.Length > 0);
        Assert.StartsWith("error: ", line);
        foreach (var text in expected)
        {
            Assert.True(line.Contains(text, StringComparison.Ordinal), $"'{text}' is not in: {line}");
        }
        Assert.DoesNotContain(host.Stdout.Concat(host.Stderr), l => l.Contains("   at ", StringComparison.Ordinal)
            || l.Contains("Unhandled exception", StringComparison.Ordinal) || l.Contains("core dump", StringComparison.OrdinalIgnoreCase));
    }
}
