using Inference;
using InferencePipeline.ModelRepository;

namespace InferencePipeline.Onnx.Tests.ModelRepository;

public sealed class ServingConfigVariantsTests
{
    private static ModelConfig Baseline() =>
        DefaultModelConfig.Create("bert_default", DemoModels.BertInputs(), DemoModels.BertOutputs(), maxBatchSize: 8);

    [Fact]
    public void Adds_dynamic_batching_and_instances_without_touching_the_baseline()
    {
        var baseline = Baseline();
        var before = baseline.Clone();

        var variant = ServingConfigVariants.With(baseline, "bertsquad_config_3", [16, 4], instanceCount: 2, maxQueueDelayMicroseconds: 100);

        Assert.Equal(before, baseline);
        Assert.Equal("bertsquad_config_3", variant.Name);
        Assert.Equal([4, 16], variant.DynamicBatching.PreferredBatchSize);
        Assert.Equal(100UL, variant.DynamicBatching.MaxQueueDelayMicroseconds);
        Assert.Equal(16, variant.MaxBatchSize); // raised to the largest preferred size
        var group = Assert.Single(variant.InstanceGroup);
        Assert.Equal((2, ModelInstanceGroup.Types.Kind.Cpu), (group.Count, group.Kind));
        Assert.Equal(baseline.Input, variant.Input);
        Assert.Equal(variant, ModelConfigText.Parse(ModelConfigText.Format(variant)));
    }

    [Fact]
    public void No_preferred_sizes_means_no_dynamic_batching_and_max_batch_size_kept()
    {
        var batched = ServingConfigVariants.With(Baseline(), "a", [4], 1);

        var plain = ServingConfigVariants.With(batched, "b", [], 3);

        Assert.Equal(ModelConfig.SchedulingChoiceOneofCase.None, plain.SchedulingChoiceCase);
        Assert.Equal(8, plain.MaxBatchSize);
        Assert.Equal(3, plain.InstanceGroup[0].Count);
    }

    [Fact]
    public void Keeps_the_instance_kind_and_rejects_nonsense()
    {
        var gpu = Baseline();
        gpu.InstanceGroup[0].Kind = ModelInstanceGroup.Types.Kind.Gpu;
        Assert.Equal(ModelInstanceGroup.Types.Kind.Gpu, ServingConfigVariants.With(gpu, "g", [2], 2).InstanceGroup[0].Kind);

        Assert.Throws<ArgumentOutOfRangeException>(() => ServingConfigVariants.With(Baseline(), "x", [4], 0));
        Assert.Throws<ArgumentException>(() => ServingConfigVariants.With(Baseline(), "x", [0], 1));
        var unbatched = Baseline();
        unbatched.MaxBatchSize = 0;
        Assert.Contains("max_batch_size 0", Assert.Throws<ArgumentException>(() => ServingConfigVariants.With(unbatched, "x", [4], 1)).Message);
    }
}
