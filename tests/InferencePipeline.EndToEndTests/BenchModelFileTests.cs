using System.Globalization;
using InferencePipeline.Cli;
using InferencePipeline.Cli.Commands;
using InferencePipeline.LoadGen;
using InferencePipeline.Onnx;
using InferencePipeline.Testing.Models;
using InferencePipeline.Testing;

namespace InferencePipeline.EndToEndTests;

/// <summary>
/// <c>inferpipe bench --model-file</c>: an ONNX file measured in this process by ONNX Runtime, no server, with the
/// same sweeps, input data and CSV as against a server; a file ONNX Runtime cannot load, or options that mix a
/// server with a file, end with a clear error and exit code 2 (or Spectre's validation code) and no CSV.
/// </summary>
public sealed class BenchModelFileTests : IDisposable
{
    private readonly string _output = Directory.CreateTempSubdirectory("inferpipe-bench-file-").FullName;

    public void Dispose() => Directory.Delete(_output, recursive: true);

    [Fact]
    public async Task Model_file_is_measured_in_process_with_one_csv_row_per_concurrency_and_no_server_times()
    {
        var csv = Path.Combine(_output, "add.csv");

        var exitCode = await InferpipeApp.Create().RunAsync(
            ["bench", "--model-file", TestModels.Add, "--concurrency", "1,2", "--batch-size", "4",
             "--intra-op-threads", "1", "--window-ms", "200", "--max-trials", "3", "--csv", csv]);

        Assert.Equal(0, exitCode);
        var lines = File.ReadAllLines(csv);
        Assert.Equal(PerfAnalyzerCsv.Header, lines[0]);
        var header = lines[0].Split(',');
        var rows = lines.Skip(1).Select(line => line.Split(',')).ToList();
        Assert.Equal([1, 2], rows.Select(r => int.Parse(r[0], CultureInfo.InvariantCulture)).Order());
        Assert.All(rows, r => Assert.True(double.Parse(r[1], CultureInfo.InvariantCulture) > 0, $"no throughput in row {string.Join(',', r)}"));
        Assert.All(rows, r => Assert.True(long.Parse(r[Array.IndexOf(header, "Avg latency")], CultureInfo.InvariantCulture) > 0));
        // No server in between: nothing to report as its queue or compute time.
        Assert.All(rows, r => Assert.Equal("0", r[Array.IndexOf(header, "Server Compute Infer")]));
    }

    [Trait(TestCategory.Name, TestCategory.Timing)]
    [Fact]
    public async Task Request_rate_and_input_data_work_in_process_too()
    {
        var data = Path.Combine(_output, "data.json");
        var values = string.Join(", ", Enumerable.Range(0, DemoModels.TrivialWidth).Select(i => i * 0.5f));
        await File.WriteAllTextAsync(data, $$"""{ "data": [ { "INPUT0": [{{values}}] } ] }""");
        var csv = Path.Combine(_output, "add-rate.csv");

        var exitCode = await InferpipeApp.Create().RunAsync(
            ["bench", "--model-file", TestModels.Add, "--request-rate", "200", "--input-data", data,
             "--window-ms", "1000", "--max-trials", "3", "--csv", csv]);

        Assert.Equal(0, exitCode);
        var lines = File.ReadAllLines(csv);
        Assert.Equal(PerfAnalyzerCsv.RequestRateHeader, lines[0]);
        var row = lines[1].Split(',');
        Assert.Equal(200, double.Parse(row[0], CultureInfo.InvariantCulture));
        // The trivial model keeps up with ease, so the open loop holds its rate. Loose bounds: the other test classes
        // run pipelines beside this one, and a stall of a few hundred milliseconds moves requests between windows.
        Assert.InRange(double.Parse(row[1], CultureInfo.InvariantCulture), 100, 300);
    }

    [Fact]
    public async Task An_execution_provider_without_its_hardware_falls_back_to_cpu_and_still_measures()
    {
        var csv = Path.Combine(_output, "add-cuda.csv");

        // On a machine with CUDA this measures on the GPU; without, ONNX Runtime cannot start the provider and the
        // bench says so and measures on the CPU. Either way it is a measurement, never a crash.
        var exitCode = await InferpipeApp.Create().RunAsync(
            ["bench", "--model-file", TestModels.Add, "--execution-provider", "cuda", "--window-ms", "100", "--max-trials", "3", "--csv", csv]);

        Assert.Equal(0, exitCode);
        Assert.Equal(2, File.ReadAllLines(csv).Length);
    }

    [Fact]
    public async Task A_file_onnx_runtime_cannot_load_fails_with_exit_code_2_and_writes_no_csv()
    {
        var corrupt = Path.Combine(_output, "corrupt.onnx");
        await File.WriteAllTextAsync(corrupt, "not a protobuf model");
        var csv = Path.Combine(_output, "corrupt.csv");

        var exitCode = await InferpipeApp.Create().RunAsync(["bench", "--model-file", corrupt, "--csv", csv]);

        Assert.Equal(2, exitCode);
        Assert.False(File.Exists(csv));
    }

    [Fact]
    public async Task Input_data_that_does_not_fit_the_file_fails_with_exit_code_2()
    {
        var data = Path.Combine(_output, "short.json");
        await File.WriteAllTextAsync(data, """{ "data": [ { "INPUT0": [1, 2, 3] } ] }""");

        var exitCode = await InferpipeApp.Create().RunAsync(["bench", "--model-file", TestModels.Add, "--input-data", data]);

        Assert.Equal(2, exitCode);
    }

    [Theory]
    [InlineData("--model-file", "/no/such/model.onnx", "--window-ms", "100")]
    [InlineData("--model-file", "{add}", "--url", "http://localhost:8001")]
    [InlineData("--model-file", "{add}", "--execution-provider", "npu")]
    [InlineData("--model-file", "{add}", "--graph-optimization-level", "3")]
    [InlineData("--model-file", "{add}", "--intra-op-threads", "-1")]
    [InlineData("--url", "http://localhost:8001", "--intra-op-threads", "2")]
    [InlineData("--url", "http://localhost:8001", "--execution-provider", "cuda")]
    public async Task Options_that_mix_a_server_and_a_file_or_name_no_valid_setting_are_refused(string a, string b, string c, string d)
    {
        var csv = Path.Combine(_output, "refused.csv");
        string[] args = ["bench", "--model", "add", a, b.Replace("{add}", TestModels.Add, StringComparison.Ordinal), c, d, "--csv", csv];

        var exitCode = await InferpipeApp.Create().RunAsync(args);

        Assert.NotEqual(0, exitCode);
        Assert.False(File.Exists(csv));
    }

    [Theory]
    [InlineData("model_repository/bert/3/model.onnx", null, "bert")]
    [InlineData("downloads/resnet50.onnx", null, "resnet50")]
    [InlineData("model_repository/bert/latest/model.onnx", null, "model")]
    [InlineData("model_repository/bert/3/model.onnx", "mine", "mine")]
    public void The_name_in_the_output_is_the_repository_models_or_the_files(string file, string? model, string expected)
    {
        var settings = new BenchSettings { ModelFile = file, Model = model };
        Assert.Equal(expected, settings.ModelName);
    }
}
