using System.Net;
using System.Net.Sockets;
using Inference;
using InferencePipeline.Cli;
using InferencePipeline.InferenceServer;
using InferencePipeline.KServe.Client;
using InferencePipeline.LoadGen;
using InferencePipeline.Onnx;
using InferencePipeline.Testing.Models;
using InferencePipeline.Testing;

namespace InferencePipeline.EndToEndTests;

/// <summary>
/// <c>inferpipe bench</c> against the embedded server over real gRPC: the sweep runs, the CSV is what
/// perf_analyzer would write, and a wrong address or model ends with a clear error instead of a stack trace.
/// </summary>
public sealed class BenchCommandTests : IAsyncLifetime
{
    private readonly TestModelRepository _repository = new();
    private readonly string _output = Directory.CreateTempSubdirectory("inferpipe-bench-").FullName;
    private EmbeddedInferenceServer _server = null!;

    public async Task InitializeAsync()
    {
        await _repository.AddAddAsync("add");
        _server = await EmbeddedInferenceServer.StartAsync(new InferenceServerOptions
        {
            ModelRepository = _repository.Root,
            ControlMode = ModelControlMode.Explicit,
            LoadModels = ["add"],
        });
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _repository.Dispose();
        Directory.Delete(_output, recursive: true);
    }

    [Fact]
    public async Task Sweep_writes_perf_analyzer_csv_with_one_row_per_concurrency()
    {
        var csv = Path.Combine(_output, "add.csv");

        var exitCode = await InferpipeApp.Create().RunAsync(
            ["bench", "--url", _server.GrpcAddress.ToString(), "--model", "add", "--concurrency", "1,2",
             "--window-ms", "200", "--max-trials", "3", "--csv", csv]);

        Assert.Equal(0, exitCode);
        var lines = File.ReadAllLines(csv);
        Assert.Equal(PerfAnalyzerCsv.Header, lines[0]);
        var rows = lines.Skip(1).Select(line => line.Split(',')).ToList();
        Assert.Equal([1, 2], rows.Select(r => int.Parse(r[0])).Order());
        Assert.All(rows, r => Assert.True(double.Parse(r[1], System.Globalization.CultureInfo.InvariantCulture) > 0, $"no throughput in row {string.Join(',', r)}"));
        // The server's own compute time comes from ModelStatistics, as perf_analyzer reports it.
        var computeInfer = Array.IndexOf(lines[0].Split(','), "Server Compute Infer");
        Assert.All(rows, r => Assert.True(long.Parse(r[computeInfer], System.Globalization.CultureInfo.InvariantCulture) > 0, $"no server compute time in row {string.Join(',', r)}"));
    }

    [Trait(TestCategory.Name, TestCategory.Timing)]
    [Fact]
    public async Task Request_rate_sweep_writes_request_rate_rows_close_to_the_rates_asked_for()
    {
        var csv = Path.Combine(_output, "add-rate.csv");

        var exitCode = await InferpipeApp.Create().RunAsync(
            ["bench", "--url", _server.GrpcAddress.ToString(), "--model", "add", "--request-rate", "50,100",
             "--request-distribution", "constant", "--window-ms", "1000", "--max-trials", "3", "--csv", csv]);

        Assert.Equal(0, exitCode);
        var lines = File.ReadAllLines(csv);
        Assert.Equal(PerfAnalyzerCsv.RequestRateHeader, lines[0]);
        var rows = lines.Skip(1).Select(line => line.Split(',')).ToList();
        Assert.Equal([50.0, 100.0], rows.Select(r => double.Parse(r[0], System.Globalization.CultureInfo.InvariantCulture)).Order());
        // An open loop sends at the rate asked for, whatever the server's speed: the trivial model keeps up easily.
        // (Evenly spaced arrivals: a Poisson window of 50 requests would wander ±15% by chance. Windows of a second,
        // not half a second: on a loaded CI box one 150 ms stall in a 500 ms window read as 0.69 of 50 req/s.)
        Assert.All(rows, r =>
        {
            var rate = double.Parse(r[0], System.Globalization.CultureInfo.InvariantCulture);
            var throughput = double.Parse(r[1], System.Globalization.CultureInfo.InvariantCulture);
            Assert.InRange(throughput, rate * 0.7, rate * 1.3);
        });
    }

    [Fact]
    public async Task Input_data_file_in_perf_analyzer_format_is_sent()
    {
        var data = Path.Combine(_output, "data.json");
        var values = string.Join(", ", Enumerable.Range(0, DemoModels.TrivialWidth).Select(i => i * 0.25f));
        await File.WriteAllTextAsync(data, $$"""{ "data": [ { "INPUT0": [{{values}}] }, { "INPUT0": [{{values}}] } ] }""");
        var csv = Path.Combine(_output, "add-data.csv");

        var exitCode = await InferpipeApp.Create().RunAsync(
            ["bench", "--url", _server.GrpcAddress.ToString(), "--model", "add", "--input-data", data,
             "--window-ms", "200", "--max-trials", "3", "--csv", csv]);

        Assert.Equal(0, exitCode);
        Assert.Equal(2, File.ReadAllLines(csv).Length);
    }

    [Fact]
    public async Task Input_data_that_does_not_fit_the_model_fails_with_exit_code_2_and_writes_no_csv()
    {
        var data = Path.Combine(_output, "short.json");
        await File.WriteAllTextAsync(data, """{ "data": [ { "INPUT0": [1, 2] } ] }""");
        var csv = Path.Combine(_output, "short.csv");

        var exitCode = await InferpipeApp.Create().RunAsync(
            ["bench", "--url", _server.GrpcAddress.ToString(), "--model", "add", "--input-data", data, "--csv", csv]);

        Assert.Equal(2, exitCode);
        Assert.False(File.Exists(csv));
    }

    [Theory]
    [InlineData("--concurrency", "1", "--request-rate", "10")]
    [InlineData("--request-rate", "0", "--window-ms", "100")]
    [InlineData("--request-distribution", "bursty", "--window-ms", "100")]
    [InlineData("--input-data", "/no/such/file.json", "--window-ms", "100")]
    public async Task Contradictory_or_invalid_load_options_are_refused_before_connecting(string a, string b, string c, string d)
    {
        var exitCode = await InferpipeApp.Create().RunAsync(
            ["bench", "--url", _server.GrpcAddress.ToString(), "--model", "add", a, b, c, d]);

        Assert.NotEqual(0, exitCode);
        using var channel = KServeChannel.Create(_server.GrpcAddress);
        var stats = await new GRPCInferenceService.GRPCInferenceServiceClient(channel)
            .ModelStatisticsAsync(new ModelStatisticsRequest { Name = "add" });
        Assert.Equal(0UL, stats.ModelStats.Single().InferenceCount);
    }

    [Fact]
    public async Task Unknown_model_fails_with_exit_code_2_and_writes_no_csv()
    {
        var csv = Path.Combine(_output, "missing.csv");

        var exitCode = await InferpipeApp.Create().RunAsync(
            ["bench", "--url", _server.GrpcAddress.ToString(), "--model", "no_such_model", "--csv", csv]);

        Assert.Equal(2, exitCode);
        Assert.False(File.Exists(csv));
    }

    [Fact]
    public async Task Unreachable_server_fails_with_exit_code_2()
    {
        // A port that was free a moment ago: nothing listens there.
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();

        var exitCode = await InferpipeApp.Create().RunAsync(["bench", "--url", $"http://127.0.0.1:{port}", "--model", "add"]);

        Assert.Equal(2, exitCode);
    }
}
