using Inference;
using InferencePipeline.Artifacts;
using InferencePipeline.Contracts;
using InferencePipeline.Converter;
using InferencePipeline.ModelRepository;
using InferencePipeline.Onnx;

namespace InferencePipeline.Stages.Tests.Converter;

public sealed class ConvertModelConsumerTests
{
    [Fact]
    public async Task Converts_the_demo_bert_into_a_model_file_and_a_triton_repository_entry()
    {
        await using var stage = await StageHarness.StartAsync(x => x.AddConverter());
        var source = Path.Combine(stage.Root, "uploads", "bert.onnx");
        DemoModels.WriteBert(source);
        var id = Guid.NewGuid();

        await stage.SendAndWaitAsync(new ConvertModel(id, "bert", source, ModelFormat.Auto, DemoModels.BertInputs(), DemoModels.BertOutputs()));

        Assert.Null(stage.Published<StageFailed>());
        var converted = Assert.IsType<ModelConverted>(stage.Published<ModelConverted>());
        Assert.Equal(ArtifactStore.UriFor(id, "converter", "model.onnx"), converted.OnnxUri);
        Assert.Equal(ArtifactStore.UriFor(id, "converter", "model_repository", "bert", "config.pbtxt"), converted.DefaultConfigUri);
        Assert.Equal(16, converted.MaxBatchSize);
        Assert.Equal(["input_names", "input_mask", "segment_ids"], converted.Inputs.Select(i => i.Name));
        Assert.Equal(["start", "end"], converted.Outputs.Select(o => o.Name));
        Assert.Equal(await File.ReadAllBytesAsync(source), await File.ReadAllBytesAsync(stage.Store.PathFor(converted.OnnxUri)));

        var configPath = stage.Store.PathFor(converted.DefaultConfigUri);
        var entry = Path.GetDirectoryName(configPath)!;
        Assert.True(File.Exists(Path.Combine(entry, "1", "model.onnx")));
        var config = ModelConfigFile.Read(configPath);
        Assert.Equal("bert", config.Name);
        Assert.Equal("onnxruntime", config.Backend);
        Assert.Equal(16, config.MaxBatchSize);
        Assert.Null(config.DynamicBatching); // the baseline: no dynamic batching, one instance, ORT defaults
        Assert.Equal(1, Assert.Single(config.InstanceGroup).Count);
        Assert.All(config.Input, input =>
        {
            Assert.Equal(DataType.TypeInt64, input.DataType);
            Assert.Equal([256L], input.Dims); // batch dim left out, as Triton wants with max_batch_size > 0
        });
        Assert.Equal(["start", "end"], config.Output.Select(o => o.Name));
        Assert.NotEmpty(stage.AllPublished<StageProgress>());
    }

    [Fact]
    public async Task A_corrupt_file_fails_naming_the_file()
    {
        await using var stage = await StageHarness.StartAsync(x => x.AddConverter());
        var source = Path.Combine(stage.Root, "uploads", "broken.onnx");
        Directory.CreateDirectory(Path.GetDirectoryName(source)!);
        await File.WriteAllTextAsync(source, "this is not a protobuf model, only some text pretending to be one");

        await stage.SendAndWaitAsync(new ConvertModel(Guid.NewGuid(), "bert", source, ModelFormat.Onnx, [], []));

        var failed = Assert.IsType<StageFailed>(stage.Published<StageFailed>());
        Assert.Equal(PipelineStage.Converting, failed.Stage);
        Assert.Contains("broken.onnx", failed.Reason);
        Assert.Contains("ONNX", failed.Reason);
        Assert.Null(stage.Published<ModelConverted>());
        Assert.Empty(stage.Harness.Published.Select<MassTransit.Fault<ConvertModel>>()); // reported, not thrown for retries
    }

    [Fact]
    public async Task A_missing_file_fails_naming_the_path()
    {
        await using var stage = await StageHarness.StartAsync(x => x.AddConverter());
        var source = Path.Combine(stage.Root, "uploads", "nowhere.onnx");

        await stage.SendAndWaitAsync(new ConvertModel(Guid.NewGuid(), "bert", source, ModelFormat.Auto, [], []));

        var failed = Assert.IsType<StageFailed>(stage.Published<StageFailed>());
        Assert.Contains(source, failed.Reason);
        Assert.Contains("does not exist", failed.Reason);
    }

    [Fact]
    public async Task Declared_inputs_that_do_not_match_the_model_fail_with_each_difference()
    {
        await using var stage = await StageHarness.StartAsync(x => x.AddConverter());
        var source = Path.Combine(stage.Root, "uploads", "bert.onnx");
        DemoModels.WriteBert(source);
        TensorSpec[] declared =
        [
            new("input_names", "FP32", [-1, 256]), // wrong datatype
            new("input_mask", "INT64", [-1, 128]), // wrong sequence length
            new("token_type_ids", "INT64", [-1, 256]), // not in the model (it calls it segment_ids)
        ];

        await stage.SendAndWaitAsync(new ConvertModel(Guid.NewGuid(), "bert", source, ModelFormat.Onnx, declared, DemoModels.BertOutputs()));

        var failed = Assert.IsType<StageFailed>(stage.Published<StageFailed>());
        Assert.Contains("'input_names' is declared FP32 but the model has INT64", failed.Reason);
        Assert.Contains("'input_mask' is declared with shape [-1, 128] but the model has [-1, 256]", failed.Reason);
        Assert.Contains("declared input 'token_type_ids' is not in the model", failed.Reason);
        Assert.Contains("(its inputs: input_names, input_mask, segment_ids)", failed.Reason);
        Assert.Null(stage.Published<ModelConverted>());
    }

    [Theory]
    [InlineData("model.pth", "bert", "does not say what its inputs are: declare each argument of its forward()")]
    [InlineData("model.onnx", "../escape", "cannot be used as a repository directory")]
    [InlineData("model.bin", "bert", "Cannot tell the format")]
    public async Task Requests_it_cannot_serve_fail_before_touching_the_model(string file, string modelName, string expected)
    {
        await using var stage = await StageHarness.StartAsync(x => x.AddConverter());
        var source = Path.Combine(stage.Root, "uploads", file);
        Directory.CreateDirectory(Path.GetDirectoryName(source)!);
        await File.WriteAllTextAsync(source, "whatever");

        await stage.SendAndWaitAsync(new ConvertModel(Guid.NewGuid(), modelName, source, ModelFormat.Auto, [], []));

        var failed = Assert.IsType<StageFailed>(stage.Published<StageFailed>());
        Assert.Contains(expected, failed.Reason);
    }

    [Fact]
    public void A_fixed_first_dimension_means_no_batching()
    {
        var dynamic = new OnnxModelInfo(DemoModels.TrivialInputs, DemoModels.TrivialOutputs, 17, "test");
        var fixedBatch = new OnnxModelInfo([new("x", "FP32", [1, 16])], DemoModels.TrivialOutputs, 17, "test");

        Assert.Equal(16, ConvertModelConsumer.MaxBatchSizeFor(dynamic, 16));
        Assert.Equal(0, ConvertModelConsumer.MaxBatchSizeFor(fixedBatch, 16));
    }
}
