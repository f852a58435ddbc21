using Inference;
using InferencePipeline.Contracts;
using InferencePipeline.Converter;
using InferencePipeline.ModelRepository;
using InferencePipeline.Testing.Models;

namespace InferencePipeline.Stages.Tests.Converter;

/// <summary>
/// Models whose sequence length or image size is open: the converter publishes the declared sizes in
/// <see cref="ModelConverted.Inputs"/> (what the later stages measure at), keeps the open dims as -1 in the
/// config.pbtxt, and refuses a model it could not measure, naming each open dimension and the flags that size it.
/// </summary>
public sealed class DeclaredSizesStageTests
{
    [Fact]
    public async Task Declared_sequence_lengths_travel_in_model_converted_and_the_config_keeps_the_dimension_dynamic()
    {
        await using var stage = await StageHarness.StartAsync(x => x.AddConverter());
        var source = Path.Combine(stage.Root, "uploads", "encoder.onnx");
        OpenShapeModels.WriteSequenceEncoder(source);
        TensorSpec[] declared = [new("input_ids", "INT64", [-1, 128]), new("attention_mask", "int64", [-1, 128])];

        await stage.SendAndWaitAsync(new ConvertModel(Guid.NewGuid(), "encoder", source, ModelFormat.Auto, declared, []));

        Assert.Null(stage.Published<StageFailed>());
        var converted = Assert.IsType<ModelConverted>(stage.Published<ModelConverted>());
        Assert.Equal(16, converted.MaxBatchSize);
        Assert.All(converted.Inputs, i => Assert.Equal([-1L, 128L], i.Shape));
        Assert.Equal(["INT64", "INT64"], converted.Inputs.Select(i => i.DataType));
        Assert.Equal([-1L, -1L, OpenShapeModels.Hidden], converted.Outputs.Single(o => o.Name == "hidden").Shape); // outputs are the model's own
        var config = ModelConfigFile.Read(stage.Store.PathFor(converted.DefaultConfigUri));
        Assert.All(config.Input, input => Assert.Equal([-1L], input.Dims)); // Triton gets the dynamic dim, not the measuring size
        Assert.Contains(stage.AllPublished<StageProgress>(), p => p.Message.Contains("input_ids INT64 [-1,128]"));
    }

    [Fact]
    public async Task A_declared_subset_sizes_only_the_inputs_named_and_an_image_keeps_its_fixed_channels()
    {
        await using var stage = await StageHarness.StartAsync(x => x.AddConverter());
        var source = Path.Combine(stage.Root, "uploads", "cnn.onnx");
        OpenShapeModels.WriteImageCnn(source);

        await stage.SendAndWaitAsync(new ConvertModel(Guid.NewGuid(), "cnn", source, ModelFormat.Onnx, [new("image", "FP32", [-1, 3, 224, 160])], []));

        var converted = Assert.IsType<ModelConverted>(stage.Published<ModelConverted>());
        Assert.Equal([-1L, 3, 224, 160], Assert.Single(converted.Inputs).Shape);
        var config = ModelConfigFile.Read(stage.Store.PathFor(converted.DefaultConfigUri));
        Assert.Equal([3L, -1, -1], Assert.Single(config.Input).Dims);
        Assert.Equal(DataType.TypeFp32, config.Input[0].DataType);
    }

    [Fact]
    public async Task Open_dimensions_without_a_size_fail_naming_each_with_the_cli_and_api_fix()
    {
        await using var stage = await StageHarness.StartAsync(x => x.AddConverter());
        var source = Path.Combine(stage.Root, "uploads", "encoder.onnx");
        OpenShapeModels.WriteSequenceEncoder(source);
        var id = Guid.NewGuid();

        await stage.SendAndWaitAsync(new ConvertModel(id, "encoder", source, ModelFormat.Auto, [], []));

        var failed = Assert.IsType<StageFailed>(stage.Published<StageFailed>());
        Assert.Equal(PipelineStage.Converting, failed.Stage);
        Assert.Contains("'input_ids' axis 1 ('sequence')", failed.Reason);
        Assert.Contains("'attention_mask' axis 1 ('sequence')", failed.Reason);
        Assert.Contains("--shape input_ids:128 --shape attention_mask:128", failed.Reason);
        Assert.Contains("\"inputs\": [{\"name\":\"input_ids\",\"dataType\":\"INT64\",\"shape\":[-1,128]}", failed.Reason);
        Assert.Null(stage.Published<ModelConverted>());
        Assert.False(Directory.Exists(Path.Combine(stage.Store.Root, id.ToString("N"))), "a refused model must leave nothing in the artifact store");
    }

    [Fact]
    public async Task Only_the_inputs_left_open_are_named_and_the_image_fix_keeps_the_fixed_channel_count()
    {
        await using var stage = await StageHarness.StartAsync(x => x.AddConverter());
        var source = Path.Combine(stage.Root, "uploads", "cnn.onnx");
        OpenShapeModels.WriteImageCnn(source);

        await stage.SendAndWaitAsync(new ConvertModel(Guid.NewGuid(), "cnn", source, ModelFormat.Auto, [], []));

        var failed = Assert.IsType<StageFailed>(stage.Published<StageFailed>());
        Assert.Contains("'image' axis 2 ('height'), 'image' axis 3 ('width')", failed.Reason);
        Assert.Contains("--shape image:3,128,128", failed.Reason);
        Assert.Contains("\"shape\":[-1,3,128,128]", failed.Reason);
    }

    [Fact]
    public async Task A_declared_size_that_contradicts_a_fixed_dimension_fails_with_the_signature_check()
    {
        await using var stage = await StageHarness.StartAsync(x => x.AddConverter());
        var source = Path.Combine(stage.Root, "uploads", "cnn.onnx");
        OpenShapeModels.WriteImageCnn(source);

        await stage.SendAndWaitAsync(new ConvertModel(Guid.NewGuid(), "cnn", source, ModelFormat.Auto, [new("image", "FP32", [-1, 1, 224, 224])], []));

        var failed = Assert.IsType<StageFailed>(stage.Published<StageFailed>());
        Assert.Contains("input 'image' is declared with shape [-1, 1, 224, 224] but the model has [-1, 3, -1, -1]", failed.Reason);
        Assert.Contains("CLI: --shape", failed.Reason);
    }

    [Fact]
    public void Merging_keeps_fixed_dims_takes_declared_sizes_for_open_ones_and_leaves_the_batch_open()
    {
        var model = new InferencePipeline.Onnx.OnnxModelInfo(
            [new("ids", "INT64", [-1, -1]), new("pixels", "FP32", [-1, 3, -1, 8])], [new("out", "FP32", [-1, 2])], 13, "test",
            InputDimNames: new Dictionary<string, IReadOnlyList<string>> { ["ids"] = ["batch", "seq"], ["pixels"] = ["batch", "", "h", ""] });

        var merged = DeclaredSizes.Merge(model, [new("ids", "INT64", [4, 64]), new("pixels", "FP32", [-1, 7, 32, 9])], batches: true);

        Assert.Equal([-1L, 64], merged.Inputs[0].Shape); // the batch stays the profiler's to choose
        Assert.Equal([-1L, 3, 32, 8], merged.Inputs[1].Shape); // fixed dims are the model's; the signature check reports contradictions
        Assert.Empty(merged.Open);

        var unsized = DeclaredSizes.Merge(model, [], batches: false);
        Assert.Equal(
            [new OpenDimension("ids", 0, "batch"), new("ids", 1, "seq"), new("pixels", 0, "batch"), new("pixels", 2, "h")],
            unsized.Open);
    }
}
