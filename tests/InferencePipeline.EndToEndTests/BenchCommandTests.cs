using System.Net;
using System.Net.Sockets;
using InferencePipeline.Cli;
using InferencePipeline.InferenceServer;
using InferencePipeline.LoadGen;
using InferencePipeline.Testing.Models;

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
