using Inference;
using InferencePipeline.Cli;
using InferencePipeline.ModelRepository;
using InferencePipeline.Onnx;
using InferencePipeline.Testing.Models;

namespace InferencePipeline.EndToEndTests;

/// <summary>
/// <c>inferpipe convert</c> with OLive's flags: a TorchScript or trusted pickled model to ONNX in a Triton repository
/// entry with the baseline config, an ONNX model checked and copied with its external data; every failure one line
/// naming the problem and the fix, a non-zero exit code and nothing left at the output path.
/// </summary>
public sealed class ConvertCommandTests(PyTorchTestModels models) : IClassFixture<PyTorchTestModels>, IDisposable
{
    private readonly string _output = Directory.CreateTempSubdirectory("inferpipe-convert-").FullName;
    private readonly RecordingConsole _console = new();

    public void Dispose() => Directory.Delete(_output, recursive: true);

    [Fact]
    public async Task The_seeds_olive_line_exports_torchscript_into_a_repository_entry_with_the_baseline_config()
    {
        var target = Path.Combine(_output, "model_repository", "bertsquad", "1", "model.onnx");

        var exit = await RunAsync(
            "--model_path", models.Bert, "--model_framework", "pytorch", "--framework_version", "1.13",
            "--input_names", "input_names,input_mask,segment_ids", "--output_names", "start,end",
            "--input_shapes", "[[-1,256],[-1,256],[-1,256]]", "--input_types", "int64,int64,int64",
            "--onnx_opset", "11", "--onnx_model_path", target);

        Assert.True(exit == 0, _console.Output);
        var model = OnnxModelInspector.Inspect(target);
        Assert.Equal(11, model.OpsetVersion);
        Assert.Equal(["input_names", "input_mask", "segment_ids"], model.Inputs.Select(i => i.Name));
        Assert.All(model.Inputs, i => Assert.Equal([-1L, 256], i.Shape));
        Assert.Equal(["start", "end"], model.Outputs.Select(o => o.Name));
        var config = ModelConfigFile.Read(Path.Combine(_output, "model_repository", "bertsquad", "config.pbtxt"));
        Assert.Equal("bertsquad", config.Name);
        Assert.Equal(16, config.MaxBatchSize);
        Assert.Null(config.DynamicBatching); // the seed's baseline: no dynamic batching, one instance, ORT defaults
        Assert.Equal(1, Assert.Single(config.InstanceGroup).Count);
        Assert.All(config.Input, i => Assert.Equal([256L], i.Dims));
        Assert.Contains(_console.Lines, l => l.StartsWith("Exported TorchScript model with torch", StringComparison.Ordinal));
        Assert.DoesNotContain(_console.Lines, l => l.StartsWith("Warning:", StringComparison.Ordinal)); // torch 1.13.x is 1.13
    }

    [Fact]
    public async Task Kebab_case_flags_a_trusted_pickle_and_open_dims_stay_dynamic_in_the_config()
    {
        var target = Path.Combine(_output, "repo", "cnn", "1", "model.onnx");

        var exit = await RunAsync(
            "--model-path", models.Cnn, "--trust-pickle", "--input-names", "image", "--input-types", "float32",
            "--input-shapes", "[[-1,3,-1,-1]]", "--output-names", "logits", "--onnx-model-path", target, "--framework-version", "1.11");

        Assert.True(exit == 0, _console.Output);
        Assert.Equal([-1L, 3, -1, -1], Assert.Single(OnnxModelInspector.Inspect(target).Inputs).Shape);
        Assert.Equal([3L, -1, -1], Assert.Single(ModelConfigFile.Read(Path.Combine(_output, "repo", "cnn", "config.pbtxt")).Input).Dims);
        Assert.Contains(_console.Lines, l => l.StartsWith("Warning: --framework_version 1.11, but this machine exported with torch 1.13", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_onnx_model_with_external_data_is_checked_and_copied_whole_with_its_config()
    {
        var source = Path.Combine(_output, "upload", "model.onnx");
        OpenShapeModels.WriteWithExternalData(source, "weights.bin");
        var target = Path.Combine(_output, "repo", "external", "3", "model.onnx");

        var exit = await RunAsync("--model_path", source, "--model_framework", "onnx", "--onnx_model_path", target);

        Assert.True(exit == 0, _console.Output);
        Assert.Equal(File.ReadAllBytes(Path.Combine(_output, "upload", "weights.bin")), File.ReadAllBytes(Path.Combine(_output, "repo", "external", "3", "weights.bin")));
        Assert.Equal(["weights.bin"], OnnxModelInspector.Inspect(target).ExternalDataFiles);
        Assert.Equal("external", ModelConfigFile.Read(Path.Combine(_output, "repo", "external", "config.pbtxt")).Name);
    }

    [Fact]
    public async Task An_output_outside_a_repository_entry_gets_the_model_only()
    {
        var target = Path.Combine(_output, "plain", "mlp.onnx");

        var exit = await RunAsync("--model_path", models.Mlp, "--input_names", "x", "--input_types", "float32", "--input_shapes", "[[-1,16]]",
            "--onnx_model_path", target);

        Assert.True(exit == 0, _console.Output);
        Assert.Equal(["mlp.onnx"], Directory.GetFileSystemEntries(Path.GetDirectoryName(target)!).Select(Path.GetFileName));
        Assert.Contains(_console.Lines, l => l.StartsWith("Not a Triton repository entry", StringComparison.Ordinal));
    }

    public static TheoryData<string, string, string> Failures => new()
    {
        // file (a name in the test models, or a model this test writes), extra flags, expected words of the one line
        { "sequential.pth", "--input_names x --input_types float32 --input_shapes [[-1,8]]", "pass --trust-pickle" },
        { "mlp_state_dict.pth", "--trust-pickle --input_names x --input_types float32 --input_shapes [[-1,16]]", "is a state dict" },
        { "bert_fused.pt", "--input_names a,b,c --input_types int64,int64,int64 --input_shapes [[-1,16],[-1,16],[-1,16]]", "fused fast path" },
        { "mlp.pt", "--input_names x --input_types float32 --input_shapes [[-1,15]]", "The model fails on example inputs" },
        { "mlp.pt", "--input_names x --input_types float32 --input_shapes [[-1,16]] --onnx_opset 30", "Opset 30 cannot be exported" },
        { "truncated.pt", "--input_names x --input_types float32 --input_shapes [[-1,16]]", "is not a readable PyTorch file" },
        { "truncated.onnx", "", "Re-export the model to ONNX" },
        { "future.onnx", "", "at opset 30, which ONNX Runtime" },
        { "escape/model.onnx", "", "outside the model's folder" },
        { "bert.onnx", "--input_names input_names,input_mask,segment_ids --input_shapes [[-1,128],[-1,128],[-1,128]]", "declared with shape [-1, 128] but the model has [-1, 256]" },
    };

    [Theory]
    [MemberData(nameof(Failures))]
    public async Task A_failure_is_one_line_naming_the_problem_with_a_non_zero_exit_and_nothing_written(string file, string flags, string expected)
    {
        var source = PrepareSource(file);
        var target = Path.Combine(_output, "out", "refused", "1", "model.onnx");

        var exit = await RunAsync(["--model_path", source, "--onnx_model_path", target, .. flags.Split(' ', StringSplitOptions.RemoveEmptyEntries)]);

        Assert.NotEqual(0, exit);
        var failure = Assert.Single(_console.Lines, l => l.StartsWith("convert failed:", StringComparison.Ordinal));
        Assert.Contains(expected, failure);
        Assert.DoesNotContain(_console.Lines, l => l.StartsWith("at ", StringComparison.Ordinal)); // no stack trace
        Assert.False(Directory.Exists(Path.Combine(_output, "out")), "a failed conversion must leave nothing at the output path");
    }

    [Theory]
    [InlineData("--input_names x --input_shapes [[-1,16]]", "needs --input_names, --input_types and --input_shapes")]
    [InlineData("--input_names x,y --input_types float32 --input_shapes [[-1,16]]", "gives 2 input(s) (x, y), but --input_types gives 1 type(s)")]
    [InlineData("--input_names x --input_types float32 --input_shapes -1,16", "is not a list of shapes")]
    [InlineData("--input_names x --input_types float33 --input_shapes [[-1,16]]", "float33 is not a type")]
    [InlineData("--input_names x --input_types float32 --input_shapes [[-1,16]] --model_framework caffe", "is not pytorch or onnx")]
    public async Task Flags_that_cannot_describe_the_model_are_refused_before_anything_runs(string flags, string expected)
    {
        var target = Path.Combine(_output, "out", "m", "1", "model.onnx");

        var exit = await RunAsync(["--model_path", models.Mlp, "--onnx_model_path", target, .. flags.Split(' ')]);

        Assert.NotEqual(0, exit);
        Assert.Contains(expected, _console.Output);
        Assert.False(Directory.Exists(Path.Combine(_output, "out")));
    }

    [Fact]
    public async Task Help_explains_the_flags_with_the_seeds_example()
    {
        var exit = await InferpipeApp.Create(_console.Console).RunAsync(["convert", "--help"]);

        Assert.True(exit == 0, _console.Output);
        Assert.Contains("--model_path", _console.Output);
        Assert.Contains("--onnx-model-path", _console.Output);
        Assert.Contains("--trust-pickle", _console.Output);
        Assert.Contains("[[-1,256],[-1,256],[-1,256]]", _console.Output);
        Assert.Contains("--input_names input_names,input_mask,segment_ids", _console.Output);
    }

    private Task<int> RunAsync(params string[] args) => InferpipeApp.Create(_console.Console).RunAsync(["convert", .. args]);

    private string PrepareSource(string file)
    {
        var path = Path.Combine(_output, "sources", file);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        switch (file)
        {
            case "truncated.pt":
                File.WriteAllBytes(path, File.ReadAllBytes(models.Mlp)[..2000]);
                return path;
            case "truncated.onnx":
                File.WriteAllBytes(path, File.ReadAllBytes(TestModels.Bert)[..5000]);
                return path;
            case "future.onnx":
                OpenShapeModels.WriteStamped(path, irVersion: 8, opset: 30);
                return path;
            case "escape/model.onnx":
                OpenShapeModels.WriteWithExternalData(path, "../outside.bin");
                return path;
            case "bert.onnx":
                return TestModels.Bert;
            default:
                return Path.Combine(models.Models, file);
        }
    }
}
