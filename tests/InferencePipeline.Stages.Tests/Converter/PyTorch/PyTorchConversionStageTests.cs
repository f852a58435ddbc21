using InferencePipeline.Contracts;
using InferencePipeline.Converter;
using InferencePipeline.ModelRepository;
using InferencePipeline.Testing;
using InferencePipeline.Testing.Models;

namespace InferencePipeline.Stages.Tests.Converter.PyTorch;

/// <summary>
/// PyTorch files through the converter stage: exported with the request's names, types, shapes, opset and trust,
/// the export's graph becoming the signature; and each way an export goes wrong ending in one
/// <see cref="StageFailed"/> that names the problem and the fix, with nothing left in the artifact store.
/// </summary>
[Collection(PyTorchCollection.Name)]
public sealed class PyTorchConversionStageTests(PyTorchTestModels models)
{
    private static readonly TensorSpec[] MlpInput = [new("x", "float32", [-1, 16])];

    [Fact]
    public async Task A_torchscript_model_is_exported_into_the_converter_folder_and_laid_out_as_the_baseline_entry()
    {
        await using var stage = await StageHarness.StartAsync(x => x.AddConverter());
        var id = Guid.NewGuid();

        await stage.SendAndWaitAsync(new ConvertModel(id, "mlp", models.Mlp, ModelFormat.Auto, MlpInput, [new("logits", "FP32", [-1, 4])]));

        Assert.Null(stage.Published<StageFailed>());
        var converted = Assert.IsType<ModelConverted>(stage.Published<ModelConverted>());
        var input = Assert.Single(converted.Inputs);
        Assert.Equal(("x", "FP32"), (input.Name, input.DataType));
        Assert.Equal([-1L, 16], input.Shape);
        Assert.Equal("logits", Assert.Single(converted.Outputs).Name);
        Assert.Equal(16, converted.MaxBatchSize);
        var config = ModelConfigFile.Read(stage.Store.PathFor(converted.DefaultConfigUri));
        Assert.Equal([16L], Assert.Single(config.Input).Dims);
        // The export's work folder is gone: the converter folder holds the model and the repository entry only.
        var folder = Path.GetDirectoryName(stage.Store.PathFor(converted.OnnxUri))!;
        Assert.Equal(["model.onnx", "model_repository"], Directory.GetFileSystemEntries(folder).Select(Path.GetFileName).Order());
        var progress = stage.AllPublished<StageProgress>().Select(p => p.Message).ToList();
        Assert.Contains(progress, m => m.Contains("exporting the TorchScript model to ONNX at opset 11"));
        Assert.Contains(progress, m => m.Contains("ONNX Runtime matches PyTorch within"));
    }

    [Fact]
    public async Task The_requests_opset_is_the_exports_and_an_input_the_model_ignores_is_left_out_and_said_so()
    {
        await using var stage = await StageHarness.StartAsync(x => x.AddConverter());

        await stage.SendAndWaitAsync(new ConvertModel(Guid.NewGuid(), "unused", models.UnusedInput, ModelFormat.TorchScript,
            [new("x", "FP32", [-1, 8]), new("unused", "FP32", [-1, 8])], [], OnnxOpset: 14));

        var converted = Assert.IsType<ModelConverted>(stage.Published<ModelConverted>());
        Assert.Equal("x", Assert.Single(converted.Inputs).Name);
        Assert.Equal(14, InferencePipeline.Onnx.OnnxModelInspector.Inspect(stage.Store.PathFor(converted.OnnxUri)).OpsetVersion);
        Assert.Contains(stage.AllPublished<StageProgress>(), p => p.Message.Contains("does not use input(s) unused"));
    }

    [Fact]
    public async Task A_trusted_pickle_with_an_open_image_size_is_exported_but_needs_a_size_to_be_measured()
    {
        await using var stage = await StageHarness.StartAsync(x => x.AddConverter());
        var id = Guid.NewGuid();

        await stage.SendAndWaitAsync(new ConvertModel(id, "cnn", models.Cnn, ModelFormat.Auto, [new("image", "FP32", [-1, 3, -1, -1])], [], TrustPickle: true));

        var failed = Assert.IsType<StageFailed>(stage.Published<StageFailed>());
        Assert.Contains("'image' axis 2 ('image_dim2'), 'image' axis 3 ('image_dim3')", failed.Reason);
        Assert.Contains("--shape image:3,128,128", failed.Reason);
    }

    [Fact]
    public async Task A_trusted_pickle_with_declared_image_sizes_exports_at_those_sizes()
    {
        await using var stage = await StageHarness.StartAsync(x => x.AddConverter());

        await stage.SendAndWaitAsync(new ConvertModel(Guid.NewGuid(), "cnn", models.Cnn, ModelFormat.Auto, [new("image", "float32", [-1, 3, 32, 32])], [],
            TrustPickle: true));

        var converted = Assert.IsType<ModelConverted>(stage.Published<ModelConverted>());
        Assert.Equal([-1L, 3, 32, 32], Assert.Single(converted.Inputs).Shape);
    }

    [Fact]
    public async Task A_pytorch_model_without_declared_inputs_fails_saying_which_flags_and_fields_to_give()
    {
        await using var stage = await StageHarness.StartAsync(x => x.AddConverter());
        var id = Guid.NewGuid();

        await stage.SendAndWaitAsync(new ConvertModel(id, "mlp", models.Mlp, ModelFormat.Auto, [], []));

        var failed = Assert.IsType<StageFailed>(stage.Published<StageFailed>());
        Assert.Contains("is a TorchScript model, and a PyTorch file does not say what its inputs are", failed.Reason);
        Assert.Contains("--shape input_ids:128 --input-types int64", failed.Reason);
        Assert.Contains("--input_names input_ids --input_types int64 --input_shapes", failed.Reason);
        Assert.Contains("\"inputs\": [{\"name\":\"input_ids\"", failed.Reason);
        AssertNothingWritten(stage, id);
    }

    public static TheoryData<string, string, bool, string> Refusals => new()
    {
        { "sequential.pth", "x:FP32:-1,8", false, "pass --trust-pickle (pipeline request field TrustPickle: true)" },
        { "mlp_state_dict.pth", "x:FP32:-1,16", true, "is a state dict" },
        { "bert_fused.pt", "input_ids:INT64:-1,16|attention_mask:INT64:-1,16|token_type_ids:INT64:-1,16", false, "fused fast path" },
        { "mlp.pt", "x:FP32:-1,16|y:FP32:-1,16", false, "The inputs do not fit" },
        { "mlp.pt", "x:FP32:-1,15", false, "The model fails on example inputs of the declared shapes and types" },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task Files_and_requests_the_export_refuses_end_in_stage_failed_with_the_exporters_summary(
        string file, string inputs, bool trust, string expected)
    {
        await using var stage = await StageHarness.StartAsync(x => x.AddConverter());
        var id = Guid.NewGuid();
        var declared = inputs.Split('|').Select(i => i.Split(':'))
            .Select(p => new TensorSpec(p[0], p[1], p[2].Split(',').Select(long.Parse).ToArray())).ToList();

        await stage.SendAndWaitAsync(new ConvertModel(id, "refused", Path.Combine(models.Models, file), ModelFormat.Auto, declared, [], TrustPickle: trust));

        var failed = Assert.IsType<StageFailed>(stage.Published<StageFailed>());
        Assert.Equal(PipelineStage.Converting, failed.Stage);
        Assert.Contains(expected, failed.Reason);
        Assert.DoesNotContain("Traceback", failed.Reason); // the summary, not python's stderr
        Assert.Null(stage.Published<ModelConverted>());
        AssertNothingWritten(stage, id);
    }

    [Fact]
    public async Task A_truncated_torchscript_file_is_refused_as_corrupt()
    {
        await using var stage = await StageHarness.StartAsync(x => x.AddConverter());
        var truncated = Path.Combine(stage.Root, "uploads", "truncated.pt");
        Directory.CreateDirectory(Path.GetDirectoryName(truncated)!);
        var bytes = File.ReadAllBytes(models.Mlp);
        File.WriteAllBytes(truncated, bytes[..(bytes.Length / 2)]);
        var id = Guid.NewGuid();

        await stage.SendAndWaitAsync(new ConvertModel(id, "mlp", truncated, ModelFormat.Auto, MlpInput, []));

        var failed = Assert.IsType<StageFailed>(stage.Published<StageFailed>());
        Assert.Contains("truncated.pt' is not a readable PyTorch file", failed.Reason);
        AssertNothingWritten(stage, id);
    }

    [Fact]
    public async Task An_opset_torch_cannot_write_is_refused_with_the_range_it_can()
    {
        await using var stage = await StageHarness.StartAsync(x => x.AddConverter());
        var id = Guid.NewGuid();

        await stage.SendAndWaitAsync(new ConvertModel(id, "mlp", models.Mlp, ModelFormat.Auto, MlpInput, [], OnnxOpset: 30));

        var failed = Assert.IsType<StageFailed>(stage.Published<StageFailed>());
        Assert.Contains("Opset 30 cannot be exported", failed.Reason);
        Assert.Contains("exports opsets 7 to", failed.Reason);
        AssertNothingWritten(stage, id);
    }

    [Fact]
    [Trait(TestCategory.Name, TestCategory.Timing)]
    public async Task A_python_that_hangs_is_stopped_at_the_time_limit_and_the_stage_fails_saying_which_setting_raises_it()
    {
        var python = Path.Combine(models.Root, "python-that-hangs-" + Guid.NewGuid().ToString("N"));
        File.WriteAllText(python, "#!/bin/sh\nsleep 300\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(python, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        await using var stage = await StageHarness.StartAsync(x => x.AddConverter(), new Dictionary<string, string?>
        {
            ["Pipeline:Converter:PyTorch:PythonPath"] = python,
            ["Pipeline:Converter:PyTorch:Timeout"] = "00:00:02",
        });
        var id = Guid.NewGuid();

        await stage.SendAndWaitAsync(new ConvertModel(id, "mlp", models.Mlp, ModelFormat.Auto, MlpInput, []), TimeSpan.FromSeconds(60));

        var failed = Assert.IsType<StageFailed>(stage.Published<StageFailed>());
        Assert.Contains("did not finish within 00:00:02 and was stopped", failed.Reason);
        Assert.Contains("Pipeline:Converter:PyTorch:Timeout", failed.Reason);
        AssertNothingWritten(stage, id);
    }

    private static void AssertNothingWritten(StageHarness stage, Guid id) =>
        Assert.False(Directory.Exists(Path.Combine(stage.Store.Root, id.ToString("N"))), "a refused model must leave nothing in the artifact store");
}
