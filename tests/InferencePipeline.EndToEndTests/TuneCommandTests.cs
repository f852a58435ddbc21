using System.Globalization;
using InferencePipeline.Cli;
using InferencePipeline.Cli.Commands;
using InferencePipeline.Cli.Composition;
using InferencePipeline.ModelRepository;
using InferencePipeline.OrtTuner;

namespace InferencePipeline.EndToEndTests;

/// <summary>
/// <c>inferpipe tune</c> (OLive's optimize) on a real pretrained model, all-MiniLM-L6-v2 from NuGet, with real tokenized
/// sentences: the same engine as the pipeline's stage, writing ort-tuning.csv and the tuned entry. Bad input ends with a
/// non-zero exit code and nothing written.
/// </summary>
public sealed class TuneCommandTests : IDisposable
{
    private readonly string _output = Directory.CreateTempSubdirectory("inferpipe-tune-").FullName;

    public void Dispose() => Directory.Delete(_output, recursive: true);

    [Fact]
    public async Task Tunes_minilm_on_real_sentences_with_int8_inside_the_accuracy_gate()
    {
        var demo = DemoModel.Prepare(DemoModel.MiniLm, _output)!;
        var result = Path.Combine(_output, "tuned");

        var exitCode = await InferpipeApp.Create().RunAsync(
            ["tune", "--model_path", demo.ModelPath, "--result_path", result, "--model_name", "minilm", "--quantization_enabled",
             "--input-data", demo.InputDataPath!, "--providers_list", "cpu", "--max-trials", "2", "--window-ms", "200"]);

        Assert.Equal(0, exitCode);
        var lines = File.ReadAllLines(Path.Combine(result, OrtTuningCsv.FileName));
        Assert.Equal(OrtTuningCsv.Header, lines[0]);
        var rows = lines.Skip(1).Select(line => line.Split(',')).ToList();
        Assert.Equal("default", rows[0][0]);
        var chosen = Assert.Single(rows, r => r[14] == "yes");
        var int8 = Assert.Single(rows, r => r[2] == "int8");
        // Accuracy on a real model and real text is exact, not timing: the int8 recipe stays inside the cosine gate.
        Assert.Equal("yes", int8[13]);
        Assert.StartsWith("cosine ", int8[12]);
        Assert.True(double.Parse(int8[12]["cosine ".Length..], CultureInfo.InvariantCulture) >= 0.995, int8[12]);
        var fp16 = Assert.Single(rows, r => r[2] == "fp16");
        Assert.Equal("yes", fp16[13]);

        // The tuned entry serves what was chosen: its precision in the config, the model file beside it; dims stay open.
        var config = ModelConfigFile.Read(Path.Combine(result, "minilm", ModelConfigFile.FileName));
        Assert.Equal(chosen[2], OrtConfigParameters.Read(config).Precision);
        Assert.All(config.Input, input => Assert.Equal([-1L], input.Dims));
        var model = await File.ReadAllBytesAsync(Path.Combine(result, "minilm", "1", ModelRepositoryLayout.ModelFileName));
        Assert.Equal(chosen[2] == "int8", System.Text.Encoding.Latin1.GetString(model).Contains("DynamicQuantizeMatMul"));
        Assert.False(Directory.Exists(Path.Combine(result, ".work")));
    }

    [Fact]
    public async Task A_model_onnx_runtime_cannot_read_exits_with_2_and_writes_nothing()
    {
        var corrupt = Path.Combine(_output, "corrupt.onnx");
        await File.WriteAllBytesAsync(corrupt, Enumerable.Range(0, 2048).Select(i => (byte)(i * 31)).ToArray());
        var result = Path.Combine(_output, "corrupt-result");

        var exitCode = await InferpipeApp.Create().RunAsync(["tune", "--model_path", corrupt, "--result_path", result]);

        Assert.Equal(2, exitCode);
        Assert.False(Directory.Exists(result));
    }

    [Fact]
    public async Task Open_dimensions_without_sizes_exit_with_2_and_writes_nothing()
    {
        var demo = DemoModel.Prepare(DemoModel.MiniLm, _output)!;
        var result = Path.Combine(_output, "open-result");

        var exitCode = await InferpipeApp.Create().RunAsync(["tune", "--model_path", demo.ModelPath, "--result_path", result]);

        Assert.Equal(2, exitCode);
        Assert.False(Directory.Exists(result));
    }

    [Theory]
    [InlineData("--batch-sizes", "1,zero", "--batch-sizes '1,zero'")]
    [InlineData("--accuracy-tolerance", "1.5", "--accuracy-tolerance 1.5 must be between 0 and 1")]
    [InlineData("--providers_list", "cpu,rocm", "unknown execution provider 'rocm'")]
    [InlineData("--shape", "input_ids", "--shape 'input_ids' is not NAME:D1,D2")]
    public void Bad_flags_are_refused_naming_the_flag(string flag, string value, string message)
    {
        var model = Path.Combine(_output, "present.onnx");
        File.WriteAllBytes(model, [0]);
        var settings = flag switch
        {
            "--batch-sizes" => new TuneSettings { ModelPath = model, BatchSizes = value },
            "--accuracy-tolerance" => new TuneSettings { ModelPath = model, AccuracyTolerance = double.Parse(value, CultureInfo.InvariantCulture) },
            "--providers_list" => new TuneSettings { ModelPath = model, ProvidersList = value },
            _ => new TuneSettings { ModelPath = model, Shapes = [value] },
        };

        var validation = settings.Validate();

        Assert.False(validation.Successful);
        Assert.Contains(message, validation.Message);
    }

    [Fact]
    public void A_missing_model_path_is_refused_before_anything_runs()
    {
        Assert.Contains("--model_path is required", new TuneSettings().Validate().Message);
        Assert.Contains("does not exist", new TuneSettings { ModelPath = Path.Combine(_output, "none.onnx") }.Validate().Message);
    }
}
