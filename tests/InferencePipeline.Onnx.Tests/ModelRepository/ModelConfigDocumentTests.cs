using Inference;
using InferencePipeline.ModelRepository;

namespace InferencePipeline.Onnx.Tests.ModelRepository;

/// <summary>Fields our model_config.proto subset lacks are kept as written and written back into their block.</summary>
public sealed class ModelConfigDocumentTests
{
    // Unknown fields at every level: top, nested block, repeated element (list and block form), map value;
    // values with braces inside strings and comments, nested lists of blocks, angle brackets.
    private const string WithUnknownFields = """
        name: "m"
        future_top: "x { not a block }"
        max_batch_size: 8
        input [
          {
            name: "INPUT0"
            data_type: TYPE_FP32
            dims: [ 16 ]
            future_input: { a: 1 b < c: "}" > }
          }
        ]
        dynamic_batching {
          preferred_batch_size: [ 4 ]
          future_queue {
            # a comment with { braces
            list: [ { x: 1 }, { x: 2 } ]
            name: 'single { quoted'
          }
        }
        instance_group [
          { count: 1 kind: KIND_CPU },
          {
            count: 2
            kind: KIND_CPU
            future_group: [ 1, -2, 3.5, inf ]
          }
        ]
        parameters {
          key: "intra_op_thread_count"
          value { string_value: "1" future_value: true }
        }
        """;

    [Fact]
    public void Unknown_fields_are_kept_with_path_text_and_position()
    {
        var document = ModelConfigText.ParseDocument(WithUnknownFields);

        Assert.Equal("m", document.Config.Name);
        Assert.Equal(8, document.Config.MaxBatchSize);
        Assert.Equal([16L], document.Config.Input[0].Dims);
        Assert.Equal([4], document.Config.DynamicBatching.PreferredBatchSize);
        Assert.Equal([1, 2], document.Config.InstanceGroup.Select(g => g.Count));
        Assert.Equal("1", document.Config.Parameters["intra_op_thread_count"].StringValue);
        Assert.Equal(
            [
                ("", "future_top", "future_top: \"x { not a block }\"", 2, 1),
                ("input[0]", "future_input", "future_input: { a: 1 b < c: \"}\" > }", 9, 5),
                ("dynamic_batching", "future_queue",
                    "future_queue {\n    # a comment with { braces\n    list: [ { x: 1 }, { x: 2 } ]\n    name: 'single { quoted'\n  }", 14, 3),
                ("instance_group[1]", "future_group", "future_group: [ 1, -2, 3.5, inf ]", 25, 5),
                ("parameters[\"intra_op_thread_count\"]", "future_value", "future_value: true", 30, 29),
            ],
            document.UnknownFields.Select(f => (f.Path, f.Name, f.Text, f.Line, f.Column)));
        Assert.Equal("instance_group[1].future_group", document.UnknownFields[3].FullName);
    }

    [Fact]
    public void Format_then_parse_keeps_known_and_unknown_fields()
    {
        var document = ModelConfigText.ParseDocument(WithUnknownFields);

        string text = ModelConfigText.Format(document);
        var again = ModelConfigText.ParseDocument(text);

        Assert.Equal(document.Config, again.Config);
        // Same fields; the top-level one moved after the known fields, so compare in one order.
        Assert.Equal(
            document.UnknownFields.Select(f => (f.Path, f.Name, f.Text)).Order(),
            again.UnknownFields.Select(f => (f.Path, f.Name, f.Text)).Order());
        Assert.Equal(text, ModelConfigText.Format(again)); // a fixed point, like the known fields' layout
        // Each goes back into its own block, after the known fields there.
        Assert.EndsWith("future_top: \"x { not a block }\"\n", text);
        Assert.Contains("    dims: [ 16 ]\n    future_input: { a: 1 b < c: \"}\" > }\n  }\n]\n", text);
        Assert.Contains("""
            dynamic_batching {
              preferred_batch_size: [ 4 ]
              future_queue {
                # a comment with { braces
                list: [ { x: 1 }, { x: 2 } ]
                name: 'single { quoted'
              }
            }

            """.ReplaceLineEndings("\n"), text);
        Assert.Contains("    kind: KIND_CPU\n    count: 2\n    future_group: [ 1, -2, 3.5, inf ]\n  }\n", text);
        Assert.Contains("  value {\n    string_value: \"1\"\n    future_value: true\n  }\n", text);
    }

    [Fact]
    public void Continuation_lines_move_with_the_field_so_nested_blocks_keep_their_shape()
    {
        var document = ModelConfigText.ParseDocument("instance_group [ { count: 1\n      future {\n        a: 1\n      }\n } ]\n");

        string text = ModelConfigText.Format(document);

        Assert.Equal("instance_group [\n  {\n    count: 1\n    future {\n      a: 1\n    }\n  }\n]\n", text);
    }

    [Fact]
    public void A_real_world_sequence_model_config_survives_the_round_trip()
    {
        const string sequenceModel = """
            name: "sequence_model"
            backend: "onnxruntime"
            max_batch_size: 8
            model_transaction_policy {
              decoupled: false
            }
            input [
              {
                name: "INPUT0"
                data_type: TYPE_FP32
                dims: [ 16 ]
              }
            ]
            output [ { name: "OUTPUT0" data_type: TYPE_FP32 dims: [ 16 ] } ]
            batch_input [
              {
                kind: BATCH_ELEMENT_COUNT
                target_name: "BATCH_COUNT"
                data_type: TYPE_FP32
                source_input: "INPUT0"
              }
            ]
            sequence_batching {
              max_sequence_idle_microseconds: 5000000
              oldest { max_candidate_sequences: 4 }
              control_input [
                {
                  name: "START"
                  control [
                    {
                      kind: CONTROL_SEQUENCE_START
                      fp32_false_true: [ 0, 1 ]
                    }
                  ]
                }
              ]
              state [ { input_name: "state_in" output_name: "state_out" data_type: TYPE_FP32 dims: [ -1 ]
                        initial_state: { data_type: TYPE_FP32 dims: [ 1 ] zero_data: true name: "init" } } ]
            }
            instance_group [ { count: 1 kind: KIND_CPU } ]
            """;

        var document = ModelConfigText.ParseDocument(sequenceModel);
        var again = ModelConfigText.ParseDocument(ModelConfigText.Format(document));

        Assert.Equal(["model_transaction_policy", "batch_input", "sequence_batching"], document.UnknownFields.Select(f => f.Name));
        Assert.All(document.UnknownFields, f => Assert.Equal("", f.Path));
        Assert.Equal([4, 15, 23], document.UnknownFields.Select(f => f.Line));
        Assert.StartsWith("sequence_batching {\n  max_sequence_idle_microseconds: 5000000\n", document.UnknownFields[2].Text);
        Assert.EndsWith("name: \"init\" } } ]\n}", document.UnknownFields[2].Text);
        Assert.Equal(("sequence_model", "onnxruntime", 8), (again.Config.Name, again.Config.Backend, again.Config.MaxBatchSize));
        Assert.Equal(document.Config, again.Config);
        Assert.Equal(document.UnknownFields.Select(f => f.Text), again.UnknownFields.Select(f => f.Text));
    }

    [Fact]
    public void A_real_world_ensemble_config_survives_the_round_trip()
    {
        const string ensemble = """
            name: "ensemble_pipeline"
            platform: "ensemble"
            max_batch_size: 4
            input [ { name: "RAW" data_type: TYPE_UINT8 dims: [ -1 ] } ]
            output [ { name: "CLASSES" data_type: TYPE_STRING dims: [ 1 ] } ]
            ensemble_scheduling {
              step [
                {
                  model_name: "preprocess"
                  model_version: -1
                  input_map { key: "RAW" value: "RAW" }
                  output_map { key: "TENSOR" value: "preprocessed" }
                },
                {
                  model_name: "classifier"
                  model_version: -1
                  input_map { key: "input" value: "preprocessed" }
                  output_map { key: "output" value: "CLASSES" }
                }
              ]
            }
            metric_tags { key: "team" value: "vision" }
            """;

        var document = ModelConfigText.ParseDocument(ensemble);
        var again = ModelConfigText.ParseDocument(ModelConfigText.Format(document));

        var step = Assert.Single(document.UnknownFields);
        Assert.Equal(("", "ensemble_scheduling", 6), (step.Path, step.Name, step.Line));
        Assert.Equal("vision", document.Config.MetricTags["team"]);
        Assert.Equal(document.Config, again.Config);
        Assert.Equal(step.Text, Assert.Single(again.UnknownFields).Text);
    }

    [Theory]
    [InlineData("sequence_batching {\n  max_sequence_idle_microseconds: 5\n", 3, 1, "missing '}' to close the block of unknown field 'sequence_batching' opened at line 1")]
    [InlineData("name: \"m\"\nfuture: [1, 2\nmax_batch_size: 4", 3, 1, "expected ',' or ']' in the list of unknown field 'future' (opened at line 2)")]
    [InlineData("future: }", 1, 9, "unknown field 'future' has no value")]
    [InlineData("future 5", 1, 8, "expected ':' or '{' after unknown field 'future'")]
    [InlineData("future { a: \"unterminated }", 1, 13, "unterminated string")]
    [InlineData("future { a: 1 >", 1, 15, "expected a field name or '}' in the block of unknown field 'future' opened at line 1")]
    [InlineData("future { \"x\": 1 }", 1, 10, "expected a field name or '}'")]
    [InlineData("dynamic_batching {\n  future { x: [ { y: 1 } ]\n}\n", 4, 1, "missing '}' to close a inference.ModelDynamicBatching block")]
    [InlineData("instance_group [ { future: < a: [ { b: 1 }, > } ]", 1, 45, "unknown field 'a' has no value")]
    public void A_malformed_unknown_value_names_line_column_and_problem(string text, int line, int column, string problem)
    {
        var e = Assert.Throws<ModelConfigFormatException>(() => ModelConfigText.ParseDocument(text));

        Assert.Contains(problem, e.Message);
        Assert.Equal((line, column), (e.Line, e.Column));
    }

    [Fact]
    public void Parse_without_a_document_refuses_unknown_fields_rather_than_drop_them()
    {
        var e = Assert.Throws<ModelConfigFormatException>(() => ModelConfigText.Parse(WithUnknownFields));

        Assert.Equal((2, 1), (e.Line, e.Column));
        Assert.Contains("unknown field 'future_top' in inference.ModelConfig", e.Message);
    }

    [Fact]
    public void WithConfig_drops_unknown_fields_only_with_the_blocks_that_held_them()
    {
        var document = ModelConfigText.ParseDocument(WithUnknownFields);
        var changed = document.Config.Clone();
        changed.InstanceGroup.RemoveAt(1);
        changed.ClearSchedulingChoice();
        changed.Name = "renamed";

        var kept = document.WithConfig(changed);

        Assert.Equal(["future_top", "future_input", "future_value"], kept.UnknownFields.Select(f => f.Name));
        Assert.Contains("future_input", ModelConfigText.Format(kept));
        Assert.Same(changed, kept.Config);
    }

    [Fact]
    public void Format_refuses_unknown_fields_whose_block_is_gone()
    {
        var document = ModelConfigText.ParseDocument(WithUnknownFields);
        document.Config.InstanceGroup.RemoveAt(1); // changed in place, not through WithConfig

        var e = Assert.Throws<InvalidOperationException>(() => ModelConfigText.Format(document));

        Assert.Contains("'instance_group[1].future_group' (line 25)", e.Message);
    }

    [Fact]
    public async Task Files_keep_unknown_fields_through_read_and_write()
    {
        string dir = Directory.CreateTempSubdirectory("inferpipe-config-doc-").FullName;
        try
        {
            string path = Path.Combine(dir, "config.pbtxt");
            await File.WriteAllTextAsync(path, "name: \"m\"\r\nsequence_batching {\r\n  oldest { max_candidate_sequences: 4 }\r\n}\r\n");

            var document = await ModelConfigFile.ReadDocumentAsync(path);
            document.Config.MaxBatchSize = 4;
            await ModelConfigFile.WriteAsync(path, document);

            Assert.Equal("name: \"m\"\nmax_batch_size: 4\nsequence_batching {\n  oldest { max_candidate_sequences: 4 }\n}\n", await File.ReadAllTextAsync(path));
            Assert.Equal("sequence_batching", Assert.Single(ModelConfigFile.ReadDocument(path).UnknownFields).Name);
            var e = Assert.Throws<ModelConfigFormatException>(() => ModelConfigFile.Read(path));
            Assert.StartsWith($"{path}: line 3, column 1: unknown field 'sequence_batching'", e.Message);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Theory]
    [InlineData("dynamic_batching { }\nsequence_batching { }\n", 2, "'sequence_batching' cannot be combined")]
    [InlineData("sequence_batching { }\nensemble_scheduling { }\n", 2, "'ensemble_scheduling' cannot be combined")]
    public void Two_scheduling_choices_are_refused_as_triton_refuses_them(string text, int line, string expected)
    {
        var e = Assert.Throws<ModelConfigFormatException>(() => ModelConfigText.ParseDocument("name: \"m\"\n" + text, "m/config.pbtxt"));

        Assert.Equal(line + 1, e.Line);
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void Adding_dynamic_batching_to_a_sequence_batched_config_is_not_written()
    {
        var document = ModelConfigText.ParseDocument("name: \"m\"\nmax_batch_size: 8\nsequence_batching { }\n");
        var batched = document.Config.Clone();
        batched.DynamicBatching = new Inference.ModelDynamicBatching();

        var e = Assert.Throws<InvalidOperationException>(() => ModelConfigText.Format(document.WithConfig(batched)));

        Assert.Contains("'sequence_batching' cannot be combined", e.Message);
        Assert.Contains("sequence_batching {", ModelConfigText.Format(document));
    }
}
