using System.Diagnostics;
using InferencePipeline.Orchestrator.Tests.StandIns;
using InferencePipeline.Testing;

namespace InferencePipeline.Orchestrator.Tests;

/// <summary>
/// The documented way for a client that is not .NET to start a pipeline: the repository's own pika example
/// (docs/examples/start_pipeline_pika.py) run against a real RabbitMQ, the orchestrator and stand-in stages behind it.
/// </summary>
[Collection(PipelineServers.Collection)]
public sealed class RawAmqpTriggerTests(PipelineServers servers)
{
    private const string Python = "/usr/bin/python3";

    [Fact]
    public async Task The_pika_example_starts_a_pipeline_that_completes()
    {
        await using var host = await PipelineTestHost.StartAsync(rabbitMq: servers.RabbitMq.ConnectionString);

        var (exitCode, stdout, stderr) = await RunAsync(Example(), servers.RabbitMq.ConnectionString, "artifacts/models/0000/tiny-bert.onnx", "tiny-bert");

        Assert.True(exitCode == 0, $"the example exited {exitCode}: {stderr}");
        var id = Guid.Parse(stdout.Trim());
        var status = await host.WaitForStateAsync(id, "Completed", TimeSpan.FromSeconds(60));
        Assert.Equal("tiny-bert", status.ModelName);
        Assert.Equal(StandInStages.BestThroughput, status.BestThroughputPerSec);
        Assert.Equal("artifacts/models/0000/tiny-bert.onnx", StandInConverter.Received[id].ModelUri);
    }

    private static string Example()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var script = Path.Combine(dir.FullName, "docs", "examples", "start_pipeline_pika.py");
            if (File.Exists(script))
                return script;
        }

        throw new FileNotFoundException("docs/examples/start_pipeline_pika.py was not found above the test's directory.");
    }

    private static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(params string[] arguments)
    {
        var start = new ProcessStartInfo(Python) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        var error = await stderr;
        if (error.Contains("No module named 'pika'", StringComparison.Ordinal))
            Assert.Fail("python3-pika is missing: " + LocalServerProcess.Otherwise);
        return (process.ExitCode, await stdout, error);
    }
}
