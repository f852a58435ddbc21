using System.Diagnostics;
using System.Text;
using InferencePipeline.ModelRepository;
using InferencePipeline.Testing.Fuzzing;
using Xunit.Abstractions;

namespace InferencePipeline.Onnx.Tests.ModelRepository;

/// <summary>
/// config.pbtxt fuzzed: thousands of mutations of real configs, and hostile shapes (deep nesting, long chains and lists).
/// Every case either parses, and then writes out text that parses back to the same config, or fails with a
/// <see cref="ModelConfigFormatException"/> naming line, column and problem; nothing else, and nothing slow.
/// </summary>
public sealed class ConfigTextFuzzTests(ITestOutputHelper output)
{
    private const int MutationCases = 6000;

    private static readonly string[] Seeds =
    [
        """
        # tuned BERT
        name: "bertsquad"
        platform: "onnxruntime_onnx"
        max_batch_size: 16
        input [
          { name: "input_names" data_type: TYPE_INT64 dims: [ 256 ] },
          { name: "input_mask", data_type: TYPE_INT64, dims: [ -1 ] reshape: { shape: [ 1, 256 ] } }
        ]
        output [ { name: "start" data_type: TYPE_FP32 dims: [ -1 ] } ]
        dynamic_batching {
          preferred_batch_size: [ 4, 16 ]
          max_queue_delay_microseconds: 100
          default_queue_policy { timeout_action: DELAY default_timeout_microseconds: 50000 allow_timeout_override: true max_queue_size: 8 }
          priority_queue_policy { key: 1 value: { max_queue_size: 4 } }
        }
        instance_group [ { count: 2 kind: KIND_GPU gpus: [ 0, 1 ] }, { kind: KIND_CPU } ]
        optimization { graph { level: 1 } execution_accelerators { gpu_execution_accelerator: [ { name: "tensorrt" parameters { key: "precision_mode" value: "FP16" } } ] } }
        parameters { key: "intra_op_thread_count" value: { string_value: "2" } }
        version_policy: { specific { versions: [ 1, 3 ] } }
        """,
        """
        name: 'text' backend: "onnxruntime" max_batch_size: 0
        input < name: "TEXT" data_type: TYPE_STRING dims: [ -1, 2 ] >
        output: [ { name: "TEXT_OUT", data_type: TYPE_STRING, dims: [ -1, 2 ] } ];
        sequence_batching { max_sequence_idle_microseconds: 5000000 control_input [ { name: "START" control [ { kind: CONTROL_SEQUENCE_START fp32_false_true: [ 0, 1 ] } ] } ] }
        model_warmup [ { name: "w" batch_size: 1 inputs { key: "TEXT" value: { data_type: TYPE_STRING dims: [ 2 ] zero_data: true } } } ]
        some_future_field { nested { deeper: [ 1, 2, 3 ] flag: true } list: [ { a: 1 }, { b: "x\n\t\\\"y" } ] }
        """,
        """
        name: "add"
        max_batch_size: 8
        input [ { name: "INPUT0" data_type: TYPE_FP32 dims: [ 16 ] } ]
        output [ { name: "OUTPUT0" data_type: TYPE_FP32 dims: [ 16 ] } ]
        default_model_filename: "model.onnx"
        cc_model_filenames { key: "7.5" value: "model_sm75.onnx" }
        response_cache { enable: true }
        model_transaction_policy { decoupled: false }
        """,
    ];

    private static readonly string[] Tokens =
    [
        "{", "}", "[", "]", "<", ">", ":", ",", ";", "\"", "'", "#", "\n", " ", "-", "+", "\\", "\\x", "\\x4", "\\u", "\\u00e9",
        "\\uD800", "\\U0001F600", "\\UFFFFFFFF", "\\U7FFFFFFF", "\\777", "\\0", "\\q", "0x", "nan", "inf", "-inf", "true", "t", "False",
        "TYPE_FP32", "TYPE_BOGUS", "KIND_GPU", "DELAY", "REJECT", "name", "dims", "key", "value", "input", "output", "unknown_field",
        "dynamic_batching { }", "sequence_batching { }", "ensemble_scheduling { }", "parameters { key: \"k\" value { string_value: \"v\" } }",
        "default_queue_policy { max_queue_size: 3 }", "max_batch_size: 1", "\"a\" \"b\"", "{ { {", "] ] ]", "key: 1 key: 2",
    ];

    private readonly TextMutator _mutator = new(Tokens);

    [Fact]
    public void Mutated_configs_parse_or_fail_with_a_format_error_naming_line_and_column()
    {
        var clock = Stopwatch.StartNew();
        var failures = FuzzCases.Run(seed: 20_500, MutationCases, (i, random) => Check(_mutator.Mutate(Seeds[i % Seeds.Length], random)));

        output.WriteLine($"{MutationCases} mutated configs in {clock.Elapsed.TotalSeconds:0.0} s");
        Assert.True(failures.Count == 0, FuzzCases.Describe(failures, MutationCases));
    }

    [Theory]
    [InlineData("unknown_deep", 50)]
    [InlineData("unknown_deep", 101)]
    [InlineData("unknown_deep", 100_000)]
    [InlineData("adjacent_strings", 100_000)]
    [InlineData("long_list", 1_000_000)]
    [InlineData("many_fields", 100_000)]
    [InlineData("long_string", 5_000_000)]
    public void Hostile_shapes_end_quickly_in_a_result_or_a_format_error(string shape, int size)
    {
        var text = shape switch
        {
            "unknown_deep" => "name: \"m\"\n" + string.Concat(Enumerable.Repeat("x { ", size)) + string.Concat(Enumerable.Repeat("} ", size)),
            "adjacent_strings" => "name: " + string.Join(' ', Enumerable.Repeat("\"a\"", size)),
            "long_list" => "input [ { name: \"x\" dims: [ " + string.Join(", ", Enumerable.Repeat("1", size)) + " ] } ]",
            "many_fields" => string.Concat(Enumerable.Repeat("input { name: \"x\" } ", size)),
            _ => "name: \"" + new string('a', size) + "\"",
        };
        var clock = Stopwatch.StartNew();

        var failure = Check(text);

        Assert.Null(failure);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"{shape} x {size} took {clock.Elapsed.TotalSeconds:0.0} s");
    }

    /// <summary>Null when the text parsed and round-trips, or failed as a format error; else what went wrong.</summary>
    private static string? Check(string text)
    {
        try
        {
            var document = ModelConfigText.ParseDocument(text, "fuzz.pbtxt");
            var again = ModelConfigText.ParseDocument(ModelConfigText.Format(document), "fuzz.pbtxt");
            if (!again.Config.Equals(document.Config) || again.UnknownFields.Count != document.UnknownFields.Count)
            {
                return $"parsed, but its text does not parse back to the same config: {Excerpt(text)}";
            }
            var plain = ModelConfigText.Parse(ModelConfigText.Format(document.Config));
            return plain.Equals(document.Config) ? null : $"the config without unknown fields does not round-trip: {Excerpt(text)}";
        }
        catch (ModelConfigFormatException e) when (e.Line >= 1 && e.Column >= 1 && e.Problem.Length > 0 && e.Message.StartsWith("fuzz.pbtxt: line ", StringComparison.Ordinal))
        {
            return null;
        }
        catch (Exception e)
        {
            return $"{e.GetType().Name}: {e.Message} for {Excerpt(text)}";
        }
    }

    private static string Excerpt(string text)
    {
        var escaped = new StringBuilder();
        foreach (var c in text.Length > 300 ? text[..300] : text)
        {
            escaped.Append(c is >= ' ' and < '\u007f' ? c.ToString() : $"\\u{(int)c:x4}");
        }
        return escaped.ToString();
    }
}
