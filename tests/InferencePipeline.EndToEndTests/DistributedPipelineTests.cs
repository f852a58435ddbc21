using InferencePipeline.Analyzer;
using InferencePipeline.Cli.Composition;
using InferencePipeline.Contracts;
using InferencePipeline.Converter;
using InferencePipeline.Deployer;
using InferencePipeline.InferenceServer;
using InferencePipeline.Onnx;
using InferencePipeline.Orchestrator;
using InferencePipeline.OrtTuner;
using InferencePipeline.Testing;
using InferencePipeline.Testing.Models;
using InferencePipeline.TritonProfiler;
using MassTransit;

namespace InferencePipeline.EndToEndTests;

/// <summary>
/// The distributed system: every service its own host on a real RabbitMQ, state and checkpoints in a real
/// Redis, the embedded inference server over gRPC — the AppHost's topology inside one test process.
/// </summary>
[Collection(PipelineServers.Collection)]
public sealed class DistributedPipelineTests(PipelineServers servers) : IAsyncLifetime
{
    private readonly string _root = Directory.CreateTempSubdirectory("inferpipe-e2e-dist-").FullName;
    private readonly List<ServiceProcess> _services = [];
    private EmbeddedInferenceServer _server = null!;
    private PipelineHost _client = null!;
    private Dictionary<string, string?> _settings = null!;

    public async Task InitializeAsync()
    {
        var repository = Path.Combine(_root, "model-repository");
        Directory.CreateDirectory(repository);
        _server = await EmbeddedInferenceServer.StartAsync(
            new InferenceServerOptions { ModelRepository = repository, ControlMode = ModelControlMode.Explicit }, port: 0);
        _settings = new Dictionary<string, string?>(TestRequests.FastStages)
        {
            ["ConnectionStrings:rabbitmq"] = servers.RabbitMq.ConnectionString,
            ["ConnectionStrings:redis"] = servers.Redis.ConnectionString,
            ["Pipeline:Artifacts:Root"] = _root,
            ["Pipeline:InferenceServer:GrpcAddress"] = _server.GrpcAddress.ToString(),
            ["Pipeline:InferenceServer:ModelRepository"] = repository,
        };

        await StartAsync("orchestrator", x => x.AddOrchestrator(), keepsState: true);
        await StartAsync("converter", x => x.AddConverter(), keepsState: false);
        await StartAsync("ort-tuner", x => x.AddOrtTuner(), keepsState: false);
        await StartAsync("triton-profiler", x => x.AddTritonProfiler(), keepsState: true);
        await StartAsync("analyzer", x => x.AddAnalyzer(), keepsState: false);
        await StartAsync("deployer", x => x.AddDeployer(), keepsState: false);
        _client = await PipelineHost.RemoteAsync(servers.RabbitMq.ConnectionString, CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        await _client.DisposeAsync();
        foreach (var service in _services)
        {
            await service.DisposeAsync();
        }

        await _server.DisposeAsync();
        Directory.Delete(_root, recursive: true);
    }

    [Fact]
    public async Task Pipeline_triggered_by_message_completes_over_RabbitMQ_with_report_and_served_model()
    {
        using var traces = new TraceRecorder();
        var request = TestRequests.For(TestModels.Bert, "bert_dist");

        var outcome = await RunAsync(request);

        // The whole run is one trace across every message hop: the dashboard shows it end to end. A stage's span ends
        // after its consumer returns, which can be after the event it published has reached this test.
        string[] stages = ["InferencePipeline.Converter", "InferencePipeline.OrtTuner", "InferencePipeline.TritonProfiler",
            "InferencePipeline.Analyzer", "InferencePipeline.Deployer", "MassTransit"];
        await Eventually.ValueAsync(() => Task.FromResult(traces.SourcesByTrace()),
            byTrace => byTrace.Values.Any(sources => stages.All(sources.Contains)), TimeSpan.FromSeconds(30),
            byTrace => "no trace holds a span of every stage: " + string.Join("; ", byTrace.Values.Select(sources => string.Join(", ", sources.Order()))));

        ReportChecks.AssertReportWritten(outcome, uri => Path.Combine(_root, uri["artifacts/".Length..]));
        var deployed = Assert.IsType<ModelDeployed>(outcome.Deployed);
        var deployedFile = DeployedModelCheck.DeployedFile(deployed, uri => Path.Combine(_root, uri["artifacts/".Length..]));
        var diff = await DeployedModelCheck.MaxAbsDiffAsync(_server.GrpcAddress, deployed.ServedModelName, deployedFile);
        Assert.True(diff <= 1e-3, $"served outputs differ from ONNX Runtime's on {deployedFile} by {diff}");
        var tuned = Assert.IsType<OrtTuned>(outcome.Tuned);
        Assert.DoesNotContain(tuned.Trials, t => t.Candidate == tuned.ChosenCandidate && t.AccuracyOk == false);
    }

    [Fact]
    public async Task Profiler_stopped_mid_run_and_restarted_loses_and_repeats_no_measurement()
    {
        var request = TestRequests.For(TestModels.Add, "add_restart") with
        {
            SearchSpace = TestRequests.TinySearch with { Concurrency = [1, 2, 4], InstanceCounts = [1, 2] },
        };
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        await _client.StartPipelineAsync(request, timeout.Token);

        // Wait for the first measurement, then stop the profiler while it is in the middle of its work.
        var outcome = new PipelineOutcomeBuilder(request.PipelineId);
        await foreach (var message in _client.Events.Reader.ReadAllAsync(timeout.Token))
        {
            if (outcome.Apply(message) && message is ProfileMeasured)
            {
                break;
            }
        }

        var profiler = _services.Single(s => s.Name == "triton-profiler");
        _services.Remove(profiler);
        await profiler.DisposeAsync();
        await StartAsync("triton-profiler", x => x.AddTritonProfiler(), keepsState: true);

        await foreach (var message in _client.Events.Reader.ReadAllAsync(timeout.Token))
        {
            if (outcome.Apply(message) && outcome.Finished)
            {
                break;
            }
        }

        var result = outcome.Build();
        ReportChecks.AssertReportWritten(result, uri => Path.Combine(_root, uri["artifacts/".Length..]));
        var profiled = Assert.IsType<ModelProfiled>(result.Profiled);
        var results = ProfileResults.FromJson(await File.ReadAllTextAsync(Path.Combine(_root, profiled.ResultsUri["artifacts/".Length..])));
        var points = results.Measurements.Select(m => $"{m.Config.Name}@{m.Concurrency}").ToList();
        Assert.Equal(points.Count, points.Distinct().Count());
        // default + ORT-tuned + 1 batch size × 2 instance counts = 4 configs, each at 3 concurrencies.
        Assert.Equal(4 * 3, points.Count);
    }

    [Fact]
    public async Task Cli_run_uploads_the_model_and_its_input_data_through_the_api_and_follows_it_to_completion()
    {
        // The API host is a second orchestrator replica on the same queue and Redis, as a scaled-out AppHost has.
        await using var api = await OrchestratorApi.StartAsync(_settings);
        var console = new RecordingConsole();
        // Outside every allowed root (those are the temp directory): only the upload can bring it in.
        var userFolder = Directory.CreateDirectory(Path.Combine(AppContext.BaseDirectory, $"cli-user-{Guid.NewGuid():N}")).FullName;
        var inputData = Path.Combine(userFolder, "add-inputs.json");
        var values = string.Join(", ", Enumerable.Range(0, DemoModels.TrivialWidth));
        await File.WriteAllTextAsync(inputData, $$"""{"data": [{"{{DemoModels.TrivialInputName}}": [{{values}}]}]}""");

        int exitCode;
        try
        {
            exitCode = await InferencePipeline.Cli.InferpipeApp.Create(console.Console).RunAsync(
            [
                "run", "--model", TestModels.Add, "--name", "add_cli", "--api", api.Address, "--api-key", OrchestratorApi.ApiKey,
                "--input-data", inputData,
                "--concurrency", "1,2", "--batch-sizes", "2", "--instances", "1", "--window-ms", "150",
                "--latency-budget-ms", "1000", "--timeout-minutes", "4", "--interval", "0.2",
            ]);
        }
        finally
        {
            Directory.Delete(userFolder, recursive: true);
        }

        Assert.True(exitCode == 0, console.Output);
        Assert.Contains(console.Lines, l => l.StartsWith("Uploaded add.onnx as artifacts/models/", StringComparison.Ordinal));
        Assert.Contains(console.Lines, l => l.StartsWith("Uploaded add-inputs.json as artifacts/input-data/", StringComparison.Ordinal));
        Assert.Single(Directory.GetFiles(Path.Combine(_root, "input-data"), "add-inputs.json", SearchOption.AllDirectories));
        // The status lines carry the profile's measurements and the winner, as watch prints them.
        Assert.Contains(console.Lines, l => l.Contains("  Completed  ") && l.Contains("measurements ") && l.Contains("best "));
        Assert.Contains(console.Lines, l => l.StartsWith("Completed.", StringComparison.Ordinal));
        Assert.Single(Directory.GetFiles(_root, "Optimal_Results.png", SearchOption.AllDirectories));
    }

    private async Task StartAsync(string name, Action<IBusRegistrationConfigurator> register, bool keepsState) =>
        _services.Add(await ServiceProcess.StartAsync(name, _settings, register, keepsState));

    private async Task<PipelineOutcome> RunAsync(StartPipeline request)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        await _client.StartPipelineAsync(request, timeout.Token);
        return await _client.Events.WaitForEndAsync(request.PipelineId, timeout.Token);
    }
}
