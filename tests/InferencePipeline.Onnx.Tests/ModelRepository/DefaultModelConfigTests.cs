using Inference;
using InferencePipeline.Contracts;
using InferencePipeline.ModelRepository;

namespace InferencePipeline.Onnx.Tests.ModelRepository;

public sealed class DefaultModelConfigTests
{
    [Fact]
    public void Bert_default_matches_the_seed_baseline()
    {
        var config = DefaultModelConfig.Create("bert_default", DemoModels.BertInputs(), DemoModels.BertOutputs(), maxBatchSize: 8);

        Assert.Equal("""
            name: "bert_default"
            platform: "onnxruntime_onnx"
            backend: "onnxruntime"
            max_batch_size: 8
            input [
              {
                name: "input_names"
                data_type: TYPE_INT64
                dims: [ 256 ]
              },
              {
                name: "input_mask"
                data_type: TYPE_INT64
                dims: [ 256 ]
              },
              {
                name: "segment_ids"
                data_type: TYPE_INT64
                dims: [ 256 ]
              }
            ]
            output [
              {
                name: "start"
                data_type: TYPE_FP32
                dims: [ 256 ]
              },
              {
                name: "end"
                data_type: TYPE_FP32
                dims: [ 256 ]
              }
            ]
            instance_group [
              {
                kind: KIND_CPU
                count: 1
              }
            ]

            """.Replace("\r\n", "\n"), ModelConfigText.Format(config));
        Assert.Equal(ModelConfig.SchedulingChoiceOneofCase.None, config.SchedulingChoiceCase);
        Assert.Equal(OrtSettings.Default, OrtConfigParameters.Read(config));
    }

    [Fact]
    public void Without_batching_dims_are_the_full_shapes()
    {
        var config = DefaultModelConfig.Create("m", [new TensorSpec("x", "FP32", [-1, 3])], [new TensorSpec("y", "FP32", [4])], maxBatchSize: 0);

        Assert.Equal([-1L, 3L], config.Input[0].Dims);
        Assert.Equal([4L], config.Output[0].Dims);
        Assert.Equal(0, config.MaxBatchSize);
    }

    [Fact]
    public void A_batched_tensor_with_only_the_batch_dim_gets_dims_1_and_an_empty_reshape()
    {
        var config = DefaultModelConfig.Create("m", [new TensorSpec("x", "INT32", [-1])], [new TensorSpec("y", "FP32", [-1, 2])], maxBatchSize: 4);

        Assert.Equal([1L], config.Input[0].Dims);
        Assert.NotNull(config.Input[0].Reshape);
        Assert.Empty(config.Input[0].Reshape.Shape);
        Assert.Equal([2L], config.Output[0].Dims);
    }

    [Fact]
    public void Bad_arguments_are_rejected_with_a_reason()
    {
        TensorSpec[] one = [new TensorSpec("x", "FP32", [-1, 2])];
        Assert.Contains("path separator", Assert.Throws<ArgumentException>(() => DefaultModelConfig.Create("../evil", one, one, 1)).Message);
        Assert.Contains("'DOUBLE'", Assert.Throws<ArgumentException>(() =>
            DefaultModelConfig.Create("m", [new TensorSpec("x", "DOUBLE", [-1])], one, 1)).Message);
        Assert.Contains("no batch dimension", Assert.Throws<ArgumentException>(() =>
            DefaultModelConfig.Create("m", [new TensorSpec("x", "FP32", [])], one, 1)).Message);
        Assert.Throws<ArgumentException>(() => DefaultModelConfig.Create("m", [], one, 1));
    }

    [Fact]
    public void On_a_gpu_host_the_baseline_is_the_seeds_one_gpu_instance_with_cuda_in_fp32()
    {
        var config = DefaultModelConfig.Create("bert_default", DemoModels.BertInputs(), DemoModels.BertOutputs(), maxBatchSize: 8, gpu: true);

        var group = Assert.Single(config.InstanceGroup);
        Assert.Equal((1, ModelInstanceGroup.Types.Kind.Gpu), (group.Count, group.Kind));
        var ort = OrtConfigParameters.Read(config);
        Assert.Equal(("CUDA", "fp32"), (ort.ExecutionProvider, ort.Precision));
        Assert.Null(config.DynamicBatching);
    }
}
