using Inference;
using InferencePipeline.ModelRepository;

namespace InferencePipeline.Onnx.Tests.ModelRepository;

public sealed class ModelConfigTextTests
{
    // Written the way Triton's docs and Model Analyzer's output repositories write configs.
    private const string TritonStyle = """
        # BERT after tuning
        name: "bertsquad"
        platform: "onnxruntime_onnx"
        max_batch_size: 16
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
          }
        ]
        output [
          {
            name: "start"
            data_type: TYPE_FP32
            dims: [ -1 ]
          }
        ]
        dynamic_batching {
          preferred_batch_size: [ 4, 16 ]
          max_queue_delay_microseconds: 100
        }
        instance_group [
          {
            count: 2
            kind: KIND_GPU
            gpus: [ 0 ]
          }
        ]
        optimization { execution_accelerators {
          gpu_execution_accelerator : [ {
            name : "tensorrt"
            parameters { key: "precision_mode" value: "FP16" }
            parameters { key: "max_workspace_size_bytes" value: "1073741824" }
          } ]
        }
        graph : { level : 1 } }
        parameters { key: "intra_op_thread_count" value: { string_value: "2" } }
        parameters: { key: "cudnn_conv_algo_search" value { string_value: "0" } }
        """;

    [Fact]
    public void Parses_a_triton_style_config_with_every_block()
    {
        var config = ModelConfigText.Parse(TritonStyle);

        Assert.Equal("bertsquad", config.Name);
        Assert.Equal("onnxruntime_onnx", config.Platform);
        Assert.Equal(16, config.MaxBatchSize);
        Assert.Equal(["input_names", "input_mask"], config.Input.Select(i => i.Name));
        Assert.All(config.Input, i => Assert.Equal(DataType.TypeInt64, i.DataType));
        Assert.Equal([256L], config.Input[0].Dims);
        Assert.Equal([-1L], config.Output[0].Dims);
        Assert.Equal(ModelConfig.SchedulingChoiceOneofCase.DynamicBatching, config.SchedulingChoiceCase);
        Assert.Equal([4, 16], config.DynamicBatching.PreferredBatchSize);
        Assert.Equal(100UL, config.DynamicBatching.MaxQueueDelayMicroseconds);
        Assert.Equal(2, config.InstanceGroup[0].Count);
        Assert.Equal(ModelInstanceGroup.Types.Kind.Gpu, config.InstanceGroup[0].Kind);
        Assert.Equal([0], config.InstanceGroup[0].Gpus);
        var trt = Assert.Single(config.Optimization.ExecutionAccelerators.GpuExecutionAccelerator);
        Assert.Equal("tensorrt", trt.Name);
        Assert.Equal("FP16", trt.Parameters["precision_mode"]);
        Assert.Equal(1, config.Optimization.Graph.Level);
        Assert.Equal("2", config.Parameters["intra_op_thread_count"].StringValue);
        Assert.Equal("0", config.Parameters["cudnn_conv_algo_search"].StringValue);
    }

    [Fact]
    public void Format_then_parse_gives_back_an_equal_config()
    {
        var config = ModelConfigText.Parse(TritonStyle);

        string text = ModelConfigText.Format(config);
        var again = ModelConfigText.Parse(text);

        Assert.Equal(config, again);
        Assert.Equal(text, ModelConfigText.Format(again)); // stable: formatting is a fixed point
    }

    [Fact]
    public void Format_writes_triton_layout()
    {
        var config = ModelConfigText.Parse(TritonStyle);

        string text = ModelConfigText.Format(config);

        Assert.Contains("name: \"bertsquad\"\n", text);
        Assert.Contains("input [\n  {\n    name: \"input_names\"\n    data_type: TYPE_INT64\n    dims: [ 256 ]\n  },\n", text);
        Assert.Contains("dynamic_batching {\n  preferred_batch_size: [ 4, 16 ]\n  max_queue_delay_microseconds: 100\n}\n", text);
        Assert.Contains("parameters {\n  key: \"cudnn_conv_algo_search\"\n  value {\n    string_value: \"0\"\n  }\n}\n", text);
        Assert.DoesNotContain("\nruntime:", text); // unset fields are not written
        Assert.DoesNotContain("backend:", text);
        // Map entries come out sorted by key, so the same config always gives the same bytes.
        Assert.True(text.IndexOf("cudnn_conv_algo_search", StringComparison.Ordinal) < text.IndexOf("intra_op_thread_count", StringComparison.Ordinal));
    }

    [Fact]
    public void Accepts_repeated_lines_angle_brackets_separators_and_numbers_in_other_bases()
    {
        var config = ModelConfigText.Parse("""
            name: 'single_quoted'; max_batch_size: 0x10,
            input < name: "a" data_type: 11 dims: 1 dims: -1 dims: [2, 3] >
            instance_group { kind: KIND_CPU count: 3 }
            instance_group { count: 1 }
            """);

        Assert.Equal("single_quoted", config.Name);
        Assert.Equal(16, config.MaxBatchSize);
        Assert.Equal(DataType.TypeFp32, config.Input[0].DataType);
        Assert.Equal([1L, -1L, 2L, 3L], config.Input[0].Dims);
        Assert.Equal([3, 1], config.InstanceGroup.Select(g => g.Count));
    }

    [Fact]
    public void Strings_with_escapes_and_unicode_round_trip()
    {
        var config = new ModelConfig { Name = "m" };
        config.Parameters["note"] = new ModelParameter { StringValue = "quote \" backslash \\ tab \t newline \n bell \a é ✓" };
        config.MetricTags["k\"ey"] = "v";

        var again = ModelConfigText.Parse(ModelConfigText.Format(config));

        Assert.Equal(config, again);
        Assert.Equal("ab\u00e9", ModelConfigText.Parse("name: \"a\" 'b' \"\\303\\251\"").Name); // concatenation + octal UTF-8
        Assert.Equal("A\u00e9", ModelConfigText.Parse("name: \"\\x41\\u00e9\"").Name);
    }

    [Fact]
    public void Empty_message_blocks_and_oneof_members_survive_the_round_trip()
    {
        var config = new ModelConfig
        {
            Name = "m",
            DynamicBatching = new ModelDynamicBatching(), // present but empty: still means "batch dynamically"
            VersionPolicy = new ModelVersionPolicy { All = new ModelVersionPolicy.Types.All() },
        };
        config.Input.Add(new ModelInput { Name = "x", DataType = DataType.TypeFp32, Dims = { 1 }, Reshape = new ModelTensorReshape() });

        string text = ModelConfigText.Format(config);
        var again = ModelConfigText.Parse(text);

        Assert.Contains("dynamic_batching {\n}", text);
        Assert.Equal(config, again);
        Assert.Equal(ModelConfig.SchedulingChoiceOneofCase.DynamicBatching, again.SchedulingChoiceCase);
        Assert.NotNull(again.Input[0].Reshape);
    }

    [Fact]
    public void Map_with_message_values_round_trips()
    {
        var config = new ModelConfig { Name = "w" };
        var warmup = new ModelWarmup { Name = "warm", BatchSize = 2, Count = 3 };
        warmup.Inputs["INPUT0"] = new ModelWarmup.Types.Input { DataType = DataType.TypeFp32, Dims = { 16 }, RandomData = true };
        config.ModelWarmup.Add(warmup);

        Assert.Equal(config, ModelConfigText.Parse(ModelConfigText.Format(config)));
    }

    [Theory]
    [InlineData("name: \"m\"\nmax_batch_size: 8\nbogus_field: 1\n", 3, 1, "unknown field 'bogus_field' in inference.ModelConfig")]
    [InlineData("name: \"m\"\ninput [ { name: \"a\" colour: 1 } ]", 2, 21, "unknown field 'colour' in inference.ModelInput")]
    [InlineData("max_batch_size: \"eight\"", 1, 17, "field 'max_batch_size' takes a int32")]
    [InlineData("max_batch_size: 3000000000", 1, 17, "out of range for field 'max_batch_size'")]
    [InlineData("input { data_type: TYPE_NOPE }", 1, 20, "takes a DataType value")]
    [InlineData("name: \"never closed\nmax_batch_size: 1", 1, 7, "unterminated string")]
    [InlineData("dynamic_batching {\n  max_queue_delay_microseconds: 5\n", 3, 1, "missing '}'")]
    [InlineData("name \"m\"", 1, 6, "expected ':' after field 'name'")]
    [InlineData("name: \"a\"\nname: \"b\"", 2, 1, "field 'name' is given more than once")]
    [InlineData("max_batch_size: [1, 2]", 1, 17, "is not repeated")]
    [InlineData("input [ { name: \"a\" } { name: \"b\" } ]", 1, 23, "expected ',' or ']'")]
    [InlineData("max_batch_size: -4 $", 1, 20, "unexpected character '$'")]
    [InlineData("parameters { key: \"a\" valu { string_value: \"1\" } }", 1, 23, "unknown field 'valu' in an entry of map 'parameters'")]
    public void Malformed_text_names_line_column_and_problem(string text, int line, int column, string problem)
    {
        var e = Assert.Throws<ModelConfigFormatException>(() => ModelConfigText.Parse(text));

        Assert.Contains(problem, e.Message);
        Assert.Equal((line, column), (e.Line, e.Column));
        Assert.StartsWith($"config.pbtxt: line {line}, column {column}: ", e.Message);
    }

    [Fact]
    public void Parse_error_names_the_source_given()
    {
        var e = Assert.Throws<ModelConfigFormatException>(() => ModelConfigText.Parse("x: 1", "/repo/bert/config.pbtxt"));

        Assert.StartsWith("/repo/bert/config.pbtxt: line 1, column 1: unknown field 'x'", e.Message);
    }

    [Fact]
    public void Windows_line_endings_and_a_byte_order_mark_are_fine()
    {
        var config = ModelConfigText.Parse("\uFEFFname: \"m\"\r\nmax_batch_size: 4\r\n");
        Assert.Equal(("m", 4), (config.Name, config.MaxBatchSize));

        var e = Assert.Throws<ModelConfigFormatException>(() => ModelConfigText.Parse("name: \"m\"\r\n  oops: 1\r\n"));
        Assert.Equal((2, 3), (e.Line, e.Column));
    }

    [Fact]
    public void Comments_and_blank_text_are_fine()
    {
        Assert.Equal(new ModelConfig(), ModelConfigText.Parse("  # nothing here\n\n# still nothing"));
        Assert.Equal("m", ModelConfigText.Parse("name: \"m\" # trailing comment with \"quotes\" and { braces").Name);
    }
}
