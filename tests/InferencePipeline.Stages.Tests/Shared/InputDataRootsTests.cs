using InferencePipeline.Artifacts;
using InferencePipeline.Contracts;
using InferencePipeline.ModelRepository;
using InferencePipeline.Onnx;
using InferencePipeline.OrtTuner;
using InferencePipeline.Stages.Tests.Profiler;
using InferencePipeline.Testing.Models;
using InferencePipeline.TritonProfiler;

namespace InferencePipeline.Stages.Tests.Shared;

/// <summary>
/// The stages that read a pipeline's input data (tuner, profiler) read it only from the artifact store or an allowed root,
/// links followed, whatever a command names: the HTTP API checks first, but anything on the bus can send the command.
/// </summary>
public sealed class InputDataRootsTests(EmbeddedServerFixture server) : IClassFixture<EmbeddedServerFixture>, IDisposable
{
    private static readonly string InputData =
        $$"""{"data": [{"{{DemoModels.TrivialInputName}}": [{{string.Join(", ", Enumerable.Range(0, DemoModels.TrivialWidth))}}]}]}""";

    private readonly string _allowed = Directory.CreateTempSubdirectory("inferpipe-data-allowed-").FullName;
    private readonly string _outside = Directory.CreateTempSubdirectory("inferpipe-data-outside-").FullName;

    public void Dispose()
    {
        Directory.Delete(_allowed, recursive: true);
        Directory.Delete(_outside, recursive: true);
    }

    /// <summary>One allowed root, the test's own, instead of the harness's whole temp directory.</summary>
    private Dictionary<string, string?> Settings(IDictionary<string, string?>? more = null)
    {
        var settings = new Dictionary<string, string?>(more ?? new Dictionary<string, string?>())
        {
            ["Pipeline:Models:AllowedRoots:0"] = _allowed,
            ["Pipeline:OrtTuner:WindowMs"] = "100",
            ["Pipeline:OrtTuner:WarmupMs"] = "50",
            ["Pipeline:OrtTuner:MaxWindowsPerTrial"] = "4",
            ["Pipeline:OrtTuner:AccuracySamples"] = "2",
            ["Pipeline:OrtTuner:MaxTrials"] = "1",
            ["Pipeline:OrtTuner:QuantizationEnabled"] = "false",
            ["Pipeline:OrtTuner:Fp16OnCpu"] = "false",
        };
        return settings;
    }

    private string Write(string folder, string name)
    {
        var path = Path.Combine(folder, name);
        File.WriteAllText(path, InputData);
        return path;
    }

    /// <summary>What the converter leaves for the tuner: the Add model and its default config in the pipeline's artifacts.</summary>
    private static async Task<TuneOrt> ConvertedAddAsync(ArtifactStore store)
    {
        var id = Guid.NewGuid();
        var onnxUri = ArtifactStore.UriFor(id, "converter", "model.onnx");
        Directory.CreateDirectory(Path.GetDirectoryName(store.PathFor(onnxUri))!);
        DemoModels.WriteAdd(store.PathFor(onnxUri));
        var configUri = ArtifactStore.UriFor(id, "converter", "model_repository", "add", "config.pbtxt");
        await ModelConfigFile.WriteAsync(store.PathFor(configUri),
            DefaultModelConfig.Create("add", DemoModels.TrivialInputs, DemoModels.TrivialOutputs, 8));
        return new TuneOrt(id, "add", onnxUri, configUri, DemoModels.TrivialInputs, DemoModels.TrivialOutputs);
    }

    [Fact]
    public async Task The_tuner_fails_on_input_data_outside_every_root_naming_the_path_the_roots_and_the_way_in()
    {
        await using var stage = await StageHarness.StartAsync(x => x.AddOrtTuner(), Settings());
        var outside = Write(_outside, "inputs.json");

        await stage.SendAndWaitAsync(await ConvertedAddAsync(stage.Store) with { InputDataUri = outside });

        var failed = Assert.IsType<StageFailed>(stage.Published<StageFailed>());
        Assert.Equal(PipelineStage.Tuning, failed.Stage);
        Assert.Contains($"Cannot use the input data '{outside}'", failed.Reason);
        Assert.Contains("outside the allowed model roots", failed.Reason);
        Assert.Contains(RealPath.Of(_allowed), failed.Reason);
        Assert.Contains("Pipeline:Models:AllowedRoots", failed.Reason);
        Assert.Contains("POST /input-data", failed.Reason);
        Assert.Null(stage.Published<OrtTuned>());
    }

    [Fact]
    public async Task The_tuner_fails_on_a_link_in_a_root_to_input_data_outside_it_and_tunes_on_input_data_inside()
    {
        await using var stage = await StageHarness.StartAsync(x => x.AddOrtTuner(), Settings());
        var linkOut = Path.Combine(_allowed, "out.json");
        File.CreateSymbolicLink(linkOut, Write(_outside, "secret.json"));

        await stage.SendAndWaitAsync(await ConvertedAddAsync(stage.Store) with { InputDataUri = linkOut });

        var failed = Assert.IsType<StageFailed>(stage.Published<StageFailed>());
        Assert.Contains("through a symbolic link", failed.Reason);
        Assert.Contains(Path.Combine(_outside, "secret.json"), failed.Reason);

        var inside = Write(_allowed, "inputs.json");
        var request = await ConvertedAddAsync(stage.Store) with { InputDataUri = inside };
        await stage.SendAndWaitAsync(request);
        Assert.Equal(request.PipelineId, Assert.Single(stage.AllPublished<OrtTuned>()).PipelineId);
    }

    [Fact]
    public async Task The_profiler_fails_on_input_data_outside_every_root_before_it_touches_the_server()
    {
        await using var stage = await StageHarness.StartAsync(x => x.AddTritonProfiler(), Settings(server.Settings), TimeSpan.FromSeconds(120));
        var outside = Write(_outside, "inputs.json");
        var request = await ProfileRequests.CreateAsync(
            stage.Store, Guid.NewGuid(), ProfileRequests.FastSpace([1], [4], [1]), TestModels.Add, TestModels.Add);

        await stage.SendAndPollAsync(request with { InputDataUri = outside }, TimeSpan.FromSeconds(120));

        var failed = Assert.IsType<StageFailed>(stage.SinglePublishedNow<StageFailed>());
        Assert.Equal(PipelineStage.Profiling, failed.Stage);
        Assert.Contains($"Cannot use the input data '{outside}'", failed.Reason);
        Assert.Contains("outside the allowed model roots", failed.Reason);
        Assert.Contains("POST /input-data", failed.Reason);
        Assert.Empty(stage.PublishedNow<ProfileMeasured>());
    }
}
