using InferencePipeline.Cli.Profiling;
using InferencePipeline.InferenceServer;
using InferencePipeline.ModelAnalyzer.Checkpoints;
using InferencePipeline.Testing;
using InferencePipeline.TritonProfiler;
using Xunit.Abstractions;

namespace InferencePipeline.EndToEndTests;

/// <summary>
/// <c>inferpipe profile -f FILE --remote</c>: the profile goes as a ProfileModel command over a real RabbitMQ to the
/// profiler service (its own host, checkpoints in a real Redis, the embedded server over gRPC); its measurements come
/// back into the local checkpoint, and <c>analyze</c> reads them as after a local profile.
/// </summary>
[Collection(PipelineServers.Collection)]
public sealed class RemoteProfileTests(PipelineServers servers, ITestOutputHelper log) : IAsyncLifetime
{
    private ProfileWorkspace _workspace = null!;
    private EmbeddedInferenceServer _server = null!;
    private ServiceProcess _profiler = null!;
    private string _artifacts = null!;

    public async Task InitializeAsync()
    {
        _workspace = await ProfileWorkspace.CreateAsync();
        _artifacts = Path.Combine(_workspace.Root, "services-artifacts");
        var repository = Path.Combine(_workspace.Root, "services-repository");
        Directory.CreateDirectory(repository);
        _server = await EmbeddedInferenceServer.StartAsync(
            new InferenceServerOptions { ModelRepository = repository, ControlMode = ModelControlMode.Explicit }, port: 0);
        _profiler = await ServiceProcess.StartAsync("triton-profiler", new Dictionary<string, string?>
        {
            ["ConnectionStrings:rabbitmq"] = servers.RabbitMq.ConnectionString,
            ["ConnectionStrings:redis"] = servers.Redis.ConnectionString,
            ["Pipeline:Artifacts:Root"] = _artifacts,
            ["Pipeline:InferenceServer:GrpcAddress"] = _server.GrpcAddress.ToString(),
            ["Pipeline:InferenceServer:ModelRepository"] = repository,
        }, x => x.AddTritonProfiler(), keepsState: true);
    }

    public async Task DisposeAsync()
    {
        log.WriteLine(_workspace.Output);
        await _profiler.DisposeAsync();
        await _server.DisposeAsync();
        await _workspace.DisposeAsync();
    }

    [Fact]
    public async Task The_services_profile_the_file_and_analyze_reads_their_measurements()
    {
        var profile = await _workspace.WriteProfileAsync("""
            concurrency: [1, 2]
            latency_budget: 1000
            profile_models:
              bertsquad:
                model_config_parameters:
                  dynamic_batching:
                    preferred_batch_size: [[2], [4]]
                  instance_group:
                    - count: [1, 2]
            """);

        var exit = await new RemoteProfileRun(_workspace.Console).RunAsync(
            profile, servers.RabbitMq.ConnectionString, _artifacts, _workspace.Seed.CheckpointDirectory, TimeSpan.FromMinutes(4), CancellationToken.None);

        Assert.Equal(0, exit);
        Assert.Contains("Sent ProfileModel", _workspace.Output);
        var measured = CheckpointFile.Read(CheckpointFile.PathIn(_workspace.Seed.CheckpointDirectory)).Measurements;
        // The default (the ORT-tuned config the command names is the same one) and 2 sizes × 2 counts, at 2 concurrencies.
        Assert.Equal(
            ["bertsquad_config_0", "bertsquad_config_1", "bertsquad_config_2", "bertsquad_config_3", "bertsquad_config_default"],
            measured.Select(m => m.Measurement.Config.Name).Distinct().Order());
        Assert.Equal(10, measured.Count);
        Assert.All(measured, m => Assert.StartsWith(_workspace.Seed.OutputRepository, m.Measurement.Config.ConfigUri));
        Assert.True(File.Exists(Path.Combine(_workspace.Seed.OutputRepository, "bertsquad_config_3", "config.pbtxt")));

        Assert.Equal(0, await _workspace.AnalyzeAsync(profile));
        var csv = File.ReadAllLines(Path.Combine(_workspace.Seed.ExportPath, "results", "metrics-model-inference.csv"));
        Assert.Equal(11, csv.Length);
    }
}
