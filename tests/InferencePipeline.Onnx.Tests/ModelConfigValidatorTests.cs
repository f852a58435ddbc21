using Inference;
using InferencePipeline.ModelRepository;
using InferencePipeline.Testing.Models;

namespace InferencePipeline.Onnx.Tests;

public sealed class ModelConfigValidatorTests
{
    private static readonly OnnxModelInfo Bert = OnnxModelInspector.Inspect(TestModels.Bert);

    private static ModelConfig BertConfig() =>
        DefaultModelConfig.Create("bert", DemoModels.BertInputs(), DemoModels.BertOutputs(), maxBatchSize: 8);

    [Fact]
    public void Default_and_variant_configs_fit_their_model()
    {
        Assert.Empty(ModelConfigValidator.Problems(BertConfig(), Bert));
        Assert.Empty(ModelConfigValidator.Problems(ServingConfigVariants.With(BertConfig(), "v", [4, 16], 2), Bert));
        var unbatched = DefaultModelConfig.Create("bert", DemoModels.BertInputs(), DemoModels.BertOutputs(), maxBatchSize: 0);
        Assert.Empty(ModelConfigValidator.Problems(unbatched, Bert));
        ModelConfigValidator.Validate(BertConfig(), Bert);
    }

    [Fact]
    public void Every_mismatch_is_reported_at_once_and_named()
    {
        var config = BertConfig();
        config.Input[0].Name = "input_ids";             // not in the model
        config.Input[1].DataType = DataType.TypeInt32;   // wrong type
        config.Input[2].Dims[0] = 128;                   // wrong size
        config.Output.Add(new ModelOutput { Name = "logits", DataType = DataType.TypeFp32, Dims = { 256 } });
        config.DynamicBatching = new ModelDynamicBatching { PreferredBatchSize = { 32 } };

        var e = Assert.Throws<ModelConfigMismatchException>(() => ModelConfigValidator.Validate(config, Bert));

        Assert.Equal(6, e.Problems.Count);
        Assert.Contains(e.Problems, p => p.Contains("'input_ids' is not an input of the model", StringComparison.Ordinal));
        Assert.Contains(e.Problems, p => p.Contains("'input_mask': config says INT32, the model has INT64", StringComparison.Ordinal));
        Assert.Contains(e.Problems, p => p.Contains("'segment_ids': config dims [128] do not match the model's [256]", StringComparison.Ordinal));
        Assert.Contains(e.Problems, p => p.Contains("'logits' is not an output", StringComparison.Ordinal));
        Assert.Contains(e.Problems, p => p.Contains("model input 'input_names' is missing", StringComparison.Ordinal));
        Assert.Contains(e.Problems, p => p.Contains("preferred batch size 32", StringComparison.Ordinal));
        Assert.Contains("'bert'", e.Message);
    }

    [Fact]
    public void Wildcards_and_reshape_are_understood()
    {
        var config = BertConfig();
        config.Input[0].Dims[0] = -1; // config may leave a fixed model dim open
        config.Input[1].Dims[0] = 1;
        config.Input[1].Reshape = new ModelTensorReshape { Shape = { 256 } }; // the model sees the reshape

        Assert.Empty(ModelConfigValidator.Problems(config, Bert));
    }

    [Fact]
    public void String_tensors_take_type_string_and_nothing_else()
    {
        var path = Path.Combine(Path.GetTempPath(), $"inferpipe-text-{Guid.NewGuid():N}.onnx");
        try
        {
            DemoModels.WriteStringIdentity(path);
            var model = OnnxModelInspector.Inspect(path);
            var config = DefaultModelConfig.Create("text", DemoModels.TextInputs, DemoModels.TextOutputs, maxBatchSize: 8);
            Assert.Equal(DataType.TypeString, config.Input[0].DataType);
            Assert.Empty(ModelConfigValidator.Problems(config, model));

            config.Output[0].DataType = DataType.TypeUint8;
            var problem = Assert.Single(ModelConfigValidator.Problems(config, model));
            Assert.Contains("output 'TEXT_OUT': config says UINT8, the model has BYTES", problem);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
