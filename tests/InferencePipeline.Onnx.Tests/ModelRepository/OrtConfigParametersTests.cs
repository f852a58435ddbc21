using Inference;
using InferencePipeline.Contracts;
using InferencePipeline.ModelRepository;

namespace InferencePipeline.Onnx.Tests.ModelRepository;

public sealed class OrtConfigParametersTests
{
    private static ModelConfig Baseline() =>
        DefaultModelConfig.Create("bert", DemoModels.BertInputs(), DemoModels.BertOutputs(), maxBatchSize: 8);

    public static TheoryData<OrtSettings> Settings() =>
    [
        OrtSettings.Default,
        new("CPU", "fp32", 0, 1, 0),
        new("CPU", "fp16", 2, 2, 0),
        new("CPU", "int8", 1, 0, 2),
        new("CUDA", "fp32", 99, 0, 0),
        new("CUDA", "fp16", 2, 4, 1),
        new("TensorRT", "fp16", 99, 0, 0),
        new("TensorRT", "int8", 0, 2, 0),
        new("CPU", "fp32", 99, 1, 2, "parallel"),
        new("CPU", "int8", 2, 2, 2, "parallel"),
    ];

    [Theory]
    [MemberData(nameof(Settings))]
    public void Apply_then_read_gives_the_settings_back_even_through_text(OrtSettings settings)
    {
        var config = OrtConfigParameters.Apply(Baseline(), settings);

        Assert.Equal(settings, OrtConfigParameters.Read(config));
        Assert.Equal(settings, OrtConfigParameters.Read(ModelConfigText.Parse(ModelConfigText.Format(config))));
    }

    [Theory]
    [InlineData(0, 2)]   // ORT_DISABLE_ALL  → Triton level 2
    [InlineData(1, -1)]  // ORT_ENABLE_BASIC → Triton level -1
    [InlineData(2, 1)]   // ORT_ENABLE_EXTENDED → Triton level 1
    public void Graph_level_is_written_in_tritons_numbering(int ortLevel, int tritonLevel)
    {
        var config = OrtConfigParameters.Apply(Baseline(), OrtSettings.Default with { GraphOptimizationLevel = ortLevel });

        Assert.Equal(tritonLevel, config.Optimization.Graph.Level);
    }

    [Fact]
    public void Level_all_is_tritons_default_so_no_optimization_block_is_written()
    {
        var config = OrtConfigParameters.Apply(Baseline(), OrtSettings.Default with { GraphOptimizationLevel = 2 });

        OrtConfigParameters.Apply(config, OrtSettings.Default);

        Assert.Null(config.Optimization);
        Assert.Empty(config.Parameters);
        Assert.Equal(99, OrtConfigParameters.FromTritonGraphLevel(0));
        Assert.Equal(99, OrtConfigParameters.FromTritonGraphLevel(null));
    }

    [Fact]
    public void TensorRt_fp16_is_written_as_tritons_precision_mode_on_gpu_instances()
    {
        var config = OrtConfigParameters.Apply(Baseline(), new OrtSettings("TensorRT", "fp16", 99, 1, 0));
        string text = ModelConfigText.Format(config);

        var trt = Assert.Single(config.Optimization.ExecutionAccelerators.GpuExecutionAccelerator);
        Assert.Equal("tensorrt", trt.Name);
        Assert.Equal("FP16", trt.Parameters["precision_mode"]);
        Assert.All(config.InstanceGroup, g => Assert.Equal(ModelInstanceGroup.Types.Kind.Gpu, g.Kind));
        Assert.Equal("1", config.Parameters["intra_op_thread_count"].StringValue);
        Assert.False(config.Parameters.ContainsKey("model_precision"));
        Assert.Contains("key: \"precision_mode\"\n", text);
    }

    [Fact]
    public void Execution_mode_is_tritons_execution_mode_parameter_and_only_parallel_writes_it()
    {
        var parallel = OrtConfigParameters.Apply(Baseline(), new OrtSettings(InterOpThreads: 2, ExecutionMode: "parallel"));
        var sequential = OrtConfigParameters.Apply(Baseline(), new OrtSettings(InterOpThreads: 2));

        Assert.Equal("1", parallel.Parameters["execution_mode"].StringValue);
        Assert.Equal("2", parallel.Parameters["inter_op_thread_count"].StringValue);
        Assert.False(sequential.Parameters.ContainsKey("execution_mode"));
        var typo = Baseline();
        typo.Parameters["execution_mode"] = new ModelParameter { StringValue = "fast" };
        Assert.Contains("must be \"0\" (sequential) or \"1\" (parallel)", Assert.Throws<FormatException>(() => OrtConfigParameters.Read(typo)).Message);
    }

    [Fact]
    public void Reads_a_hand_written_triton_config()
    {
        var config = ModelConfigText.Parse("""
            name: "bertsquad"
            instance_group [ { kind: KIND_GPU count: 2 } ]
            optimization { graph { level: -1 }
              execution_accelerators { gpu_execution_accelerator: [ { name: "tensorrt" parameters { key: "precision_mode" value: "FP16" } } ] } }
            parameters { key: "intra_op_thread_count" value: { string_value: "3" } }
            parameters { key: "inter_op_thread_count" value: { string_value: "2" } }
            """);

        Assert.Equal(new OrtSettings("TensorRT", "fp16", 1, 3, 2), OrtConfigParameters.Read(config));
    }

    [Fact]
    public void Applying_again_replaces_earlier_ort_settings_and_keeps_other_parameters()
    {
        var config = Baseline();
        config.Parameters["custom"] = new ModelParameter { StringValue = "kept" };
        OrtConfigParameters.Apply(config, new OrtSettings("TensorRT", "fp16", 0, 2, 2));

        OrtConfigParameters.Apply(config, new OrtSettings("CPU", "fp32", 99, 0, 0));

        Assert.Equal(["custom"], config.Parameters.Keys);
        Assert.Null(config.Optimization);
        Assert.All(config.InstanceGroup, g => Assert.Equal(ModelInstanceGroup.Types.Kind.Cpu, g.Kind));
    }

    [Fact]
    public void Bad_values_are_rejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => OrtConfigParameters.Apply(Baseline(), OrtSettings.Default with { GraphOptimizationLevel = 3 }));
        Assert.Contains("'ROCm'", Assert.Throws<ArgumentException>(() => OrtConfigParameters.Apply(Baseline(), OrtSettings.Default with { ExecutionProvider = "ROCm" })).Message);
        Assert.Throws<ArgumentException>(() => OrtConfigParameters.Apply(Baseline(), OrtSettings.Default with { Precision = "fp8" }));
        var config = Baseline();
        config.Parameters["intra_op_thread_count"] = new ModelParameter { StringValue = "many" };
        Assert.Contains("'many'", Assert.Throws<FormatException>(() => OrtConfigParameters.Read(config)).Message);
    }
}
