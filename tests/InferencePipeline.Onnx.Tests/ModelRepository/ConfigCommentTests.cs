using InferencePipeline.ModelRepository;

namespace InferencePipeline.Onnx.Tests.ModelRepository;

/// <summary>Comments a user wrote in config.pbtxt stay with the field they explain when a stage rewrites the config.</summary>
public sealed class ConfigCommentTests
{
    // Leading, trailing, end-of-block, closing and end-of-file comments; at the top, in a nested block, in
    // repeated elements, in map entries, around an unknown field; a '#' inside a string.
    private const string Commented = """
        # BERT-SQuAD, served by the embedded server.
        # Owner: the serving team.

        name: "bert"  # must match the directory
        platform: "onnxruntime_onnx"
        max_batch_size: 8  # fits GPU memory
        input [  # the tokenized question
          {
            name: "input_ids"  # token ids
            data_type: TYPE_INT64
            dims: [ 256 ]
          }
        ]
        # Triton decides this, we do not
        model_transaction_policy { decoupled: false }  # not streaming
        dynamic_batching {  # on for throughput
          # 4 was the sweet spot on the V100
          preferred_batch_size: [ 4 ]
          max_queue_delay_microseconds: 100  # 0.1 ms
          # end of the batching settings
        }  # dynamic_batching
        instance_group [
          # the first group
          { count: 1 kind: KIND_CPU },  # a CPU fallback
          {
            # two on the GPU
            count: 2
            kind: KIND_GPU  # GPU 0 only
            gpus: [ 0 ]
            # room for more
          }
        ]
        metric_tags { key: "team" value: "nlp" }  # for dashboards
        parameters {  # ORT threading
          key: "intra_op_thread_count"
          value {
            string_value: "4 # not a comment"  # one per core
          }
        }
        # end of file
        """;

    private static (string, ConfigCommentPlacement, string) C(string path, ConfigCommentPlacement placement, string text) =>
        (path, placement, text);

    [Fact]
    public void Comments_are_filed_under_the_path_of_what_they_explain()
    {
        var document = ModelConfigText.ParseDocument(Commented);

        Assert.Equal(
            [
                C("name", ConfigCommentPlacement.Leading, "# BERT-SQuAD, served by the embedded server."),
                C("name", ConfigCommentPlacement.Leading, "# Owner: the serving team."),
                C("name", ConfigCommentPlacement.Leading, ""),
                C("name", ConfigCommentPlacement.Trailing, "# must match the directory"),
                C("max_batch_size", ConfigCommentPlacement.Trailing, "# fits GPU memory"),
                C("input", ConfigCommentPlacement.Trailing, "# the tokenized question"),
                C("input[0].name", ConfigCommentPlacement.Trailing, "# token ids"),
                C("model_transaction_policy", ConfigCommentPlacement.Leading, "# Triton decides this, we do not"),
                C("model_transaction_policy", ConfigCommentPlacement.Trailing, "# not streaming"),
                C("dynamic_batching", ConfigCommentPlacement.Trailing, "# on for throughput"),
                C("dynamic_batching.preferred_batch_size", ConfigCommentPlacement.Leading, "# 4 was the sweet spot on the V100"),
                C("dynamic_batching.max_queue_delay_microseconds", ConfigCommentPlacement.Trailing, "# 0.1 ms"),
                C("dynamic_batching", ConfigCommentPlacement.End, "# end of the batching settings"),
                C("dynamic_batching", ConfigCommentPlacement.Closing, "# dynamic_batching"),
                C("instance_group[0]", ConfigCommentPlacement.Leading, "# the first group"),
                C("instance_group[0]", ConfigCommentPlacement.Closing, "# a CPU fallback"),
                C("instance_group[1].count", ConfigCommentPlacement.Leading, "# two on the GPU"),
                C("instance_group[1].kind", ConfigCommentPlacement.Trailing, "# GPU 0 only"),
                C("instance_group[1]", ConfigCommentPlacement.End, "# room for more"),
                C("metric_tags[\"team\"]", ConfigCommentPlacement.Closing, "# for dashboards"),
                C("parameters[\"intra_op_thread_count\"]", ConfigCommentPlacement.Trailing, "# ORT threading"),
                C("parameters[\"intra_op_thread_count\"].string_value", ConfigCommentPlacement.Trailing, "# one per core"),
                C("", ConfigCommentPlacement.End, "# end of file"),
            ],
            document.Comments.Select(c => (c.Path, c.Placement, c.Text)));
        // The '#' in a string is the value's, and the comment in the unknown field's text is not filed twice.
        Assert.Equal("4 # not a comment", document.Config.Parameters["intra_op_thread_count"].StringValue);
        Assert.Equal("model_transaction_policy { decoupled: false }", Assert.Single(document.UnknownFields).Text);
    }

    [Fact]
    public void Format_writes_each_comment_back_at_its_field()
    {
        var document = ModelConfigText.ParseDocument(Commented);

        string text = ModelConfigText.Format(document);

        // The known fields in Triton's layout and declaration order, the unknown one at the end of its block:
        // every comment moved with its field.
        Assert.Equal("""
            # BERT-SQuAD, served by the embedded server.
            # Owner: the serving team.

            name: "bert"  # must match the directory
            platform: "onnxruntime_onnx"
            max_batch_size: 8  # fits GPU memory
            input [  # the tokenized question
              {
                name: "input_ids"  # token ids
                data_type: TYPE_INT64
                dims: [ 256 ]
              }
            ]
            dynamic_batching {  # on for throughput
              # 4 was the sweet spot on the V100
              preferred_batch_size: [ 4 ]
              max_queue_delay_microseconds: 100  # 0.1 ms
              # end of the batching settings
            }  # dynamic_batching
            instance_group [
              # the first group
              {
                kind: KIND_CPU
                count: 1
              },  # a CPU fallback
              {
                kind: KIND_GPU  # GPU 0 only
                # two on the GPU
                count: 2
                gpus: [ 0 ]
                # room for more
              }
            ]
            metric_tags {
              key: "team"
              value: "nlp"
            }  # for dashboards
            parameters {  # ORT threading
              key: "intra_op_thread_count"
              value {
                string_value: "4 # not a comment"  # one per core
              }
            }
            # Triton decides this, we do not
            model_transaction_policy { decoupled: false }  # not streaming
            # end of file

            """.ReplaceLineEndings("\n"), text);
    }

    [Theory]
    [InlineData("\n")]
    [InlineData("\r\n")]
    public void Reading_the_written_text_gives_the_same_config_and_comments(string lineEnding)
    {
        var document = ModelConfigText.ParseDocument(Commented.ReplaceLineEndings(lineEnding));

        string text = ModelConfigText.Format(document);
        var again = ModelConfigText.ParseDocument(text);

        Assert.Equal(document.Config, again.Config);
        // Fields are written in declaration order, so comments of different fields may come in another order.
        Assert.Equal(InPathOrder(document.Comments), InPathOrder(again.Comments));
        Assert.DoesNotContain(again.Comments, c => c.Text.Contains('\r'));
        Assert.Equal(text, ModelConfigText.Format(again)); // a fixed point
    }

    [Fact]
    public void A_changed_value_keeps_its_comment()
    {
        var document = ModelConfigText.ParseDocument(Commented);
        var tuned = document.Config.Clone();
        tuned.MaxBatchSize = 16;
        tuned.InstanceGroup[1].Count = 4;
        tuned.Name = "bert_tuned";

        string text = ModelConfigText.Format(document.WithConfig(tuned));

        Assert.Contains("name: \"bert_tuned\"  # must match the directory\n", text);
        Assert.Contains("max_batch_size: 16  # fits GPU memory\n", text);
        Assert.Contains("    # two on the GPU\n    count: 4\n", text);
        Assert.Equal(document.Comments, document.WithConfig(tuned).Comments);
    }

    [Fact]
    public void A_removed_block_drops_its_comments_and_keeps_the_others()
    {
        var document = ModelConfigText.ParseDocument(Commented);
        var changed = document.Config.Clone();
        changed.ClearSchedulingChoice();
        changed.InstanceGroup.RemoveAt(1);
        changed.MetricTags.Clear();

        var kept = document.WithConfig(changed);
        string text = ModelConfigText.Format(kept);

        string[] gone =
        [
            "# on for throughput", "# 4 was the sweet spot on the V100", "# 0.1 ms", "# end of the batching settings",
            "# dynamic_batching", "# two on the GPU", "# GPU 0 only", "# room for more", "# for dashboards",
        ];
        Assert.Equal(document.Comments.Count - gone.Length, kept.Comments.Count);
        Assert.All(gone, comment => Assert.DoesNotContain(comment, text));
        Assert.DoesNotContain(kept.Comments, c => gone.Contains(c.Text));
        Assert.Contains("instance_group [\n  # the first group\n  {\n    kind: KIND_CPU\n    count: 1\n  }  # a CPU fallback\n]\n", text);
        Assert.Contains("max_batch_size: 8  # fits GPU memory\n", text);
        Assert.EndsWith("model_transaction_policy { decoupled: false }  # not streaming\n# end of file\n", text);

        // Changed in place rather than through WithConfig, the text is the same: comments of fields not written are not either.
        document.Config.ClearSchedulingChoice();
        document.Config.InstanceGroup.RemoveAt(1);
        document.Config.MetricTags.Clear();
        Assert.Equal(text, ModelConfigText.Format(document));
    }

    [Fact]
    public void A_replaced_block_keeps_the_comments_of_the_fields_it_still_has()
    {
        var document = ModelConfigText.ParseDocument(Commented);

        // The profiler's way: a new dynamic_batching (no queue delay) and one new instance group.
        var variant = document.WithConfig(ServingConfigVariants.With(document.Config, "bert", [8], 1));
        string text = ModelConfigText.Format(variant);

        Assert.Contains("""
            dynamic_batching {  # on for throughput
              # 4 was the sweet spot on the V100
              preferred_batch_size: [ 8 ]
              # end of the batching settings
            }  # dynamic_batching
            instance_group [
              # the first group
              {
                kind: KIND_CPU
                count: 1
              }  # a CPU fallback
            ]

            """.ReplaceLineEndings("\n"), text);
        Assert.DoesNotContain("# 0.1 ms", text); // its field is gone (0 is not written)
        Assert.DoesNotContain("# two on the GPU", text);
        Assert.Equal(InPathOrder(variant.Comments), InPathOrder(ModelConfigText.ParseDocument(text).Comments));
    }

    [Fact]
    public void Each_of_several_unknown_fields_of_one_name_keeps_its_own_comments()
    {
        const string text = "# first\nbatch_input { target_name: \"A\" }  # a\n# second\nbatch_input { target_name: \"B\" }  # b\n";

        var document = ModelConfigText.ParseDocument(text);

        Assert.Equal(
            [
                C("batch_input", ConfigCommentPlacement.Leading, "# first"),
                C("batch_input", ConfigCommentPlacement.Trailing, "# a"),
                C("batch_input[1]", ConfigCommentPlacement.Leading, "# second"),
                C("batch_input[1]", ConfigCommentPlacement.Trailing, "# b"),
            ],
            document.Comments.Select(c => (c.Path, c.Placement, c.Text)));
        Assert.Equal(text, ModelConfigText.Format(document));
    }

    [Fact]
    public void Comments_in_odd_places_go_to_the_nearest_field_and_are_not_lost()
    {
        const string text = """
            input [ { name: "x"
              dims: [ 16,  # rows
                # and columns
                32 ]
              data_type: # the type
                TYPE_FP32
            } ]
            """;

        var document = ModelConfigText.ParseDocument(text);
        string written = ModelConfigText.Format(document);

        Assert.Equal(
            [
                C("input[0].dims", ConfigCommentPlacement.Trailing, "# rows"),
                C("input[0].data_type", ConfigCommentPlacement.Leading, "# and columns"),
                C("input[0].data_type", ConfigCommentPlacement.Trailing, "# the type"),
            ],
            document.Comments.Select(c => (c.Path, c.Placement, c.Text)));
        Assert.Contains("    # and columns\n    data_type: TYPE_FP32  # the type\n    dims: [ 16, 32 ]  # rows\n", written);
    }

    [Fact]
    public void A_map_in_list_form_keeps_its_comments_and_an_emptied_map_writes_none()
    {
        var document = ModelConfigText.ParseDocument(
            "max_batch_size: 4\nparameters [  # threading\n  # intra-op\n  { key: \"a\" value { string_value: \"1\" } }\n]\n");

        Assert.Equal(
            [
                C("parameters", ConfigCommentPlacement.Trailing, "# threading"),
                C("parameters[\"a\"]", ConfigCommentPlacement.Leading, "# intra-op"),
            ],
            document.Comments.Select(c => (c.Path, c.Placement, c.Text)));
        // Written as one block per entry, the map's own comment gets a line of its own after the entries.
        Assert.EndsWith("# intra-op\nparameters {\n  key: \"a\"\n  value {\n    string_value: \"1\"\n  }\n}\n# threading\n", ModelConfigText.Format(document));

        document.Config.Parameters.Clear();

        Assert.Equal("max_batch_size: 4\n", ModelConfigText.Format(document));
    }

    [Theory]
    [InlineData("\n")]
    [InlineData("\r\n")]
    public void Blank_lines_between_groups_of_fields_are_kept_one_for_a_run_and_none_at_the_ends(string lineEnding)
    {
        const string grouped = """


            name: "bert"
            platform: "onnxruntime_onnx"



            # Batching
            max_batch_size: 8
            dynamic_batching {
              preferred_batch_size: [ 4 ]

              max_queue_delay_microseconds: 100
            }

            instance_group [ { count: 2 } ]


            """;
        var document = ModelConfigText.ParseDocument(grouped.ReplaceLineEndings(lineEnding));

        string text = ModelConfigText.Format(document);

        Assert.Equal("""
            name: "bert"
            platform: "onnxruntime_onnx"

            # Batching
            max_batch_size: 8
            dynamic_batching {
              preferred_batch_size: [ 4 ]

              max_queue_delay_microseconds: 100
            }

            instance_group [
              {
                count: 2
              }
            ]

            """.ReplaceLineEndings("\n"), text);
        Assert.Equal(text, ModelConfigText.Format(ModelConfigText.ParseDocument(text)));

        // A blank line goes with the field it comes before.
        var changed = document.Config.Clone();
        changed.InstanceGroup.Clear();
        Assert.EndsWith("  max_queue_delay_microseconds: 100\n}\n", ModelConfigText.Format(document.WithConfig(changed)));
    }

    [Fact]
    public void A_config_without_comments_is_written_as_before()
    {
        var document = ModelConfigText.ParseDocument("name: \"m\"\nmax_batch_size: 4\n");

        Assert.Empty(document.Comments);
        Assert.Equal(ModelConfigText.Format(document.Config), ModelConfigText.Format(document));
    }

    private static List<(string, ConfigCommentPlacement, string)> InPathOrder(IEnumerable<ConfigComment> comments) =>
        [.. comments.OrderBy(c => c.Path, StringComparer.Ordinal).ThenBy(c => c.Placement).Select(c => (c.Path, c.Placement, c.Text))];
}
