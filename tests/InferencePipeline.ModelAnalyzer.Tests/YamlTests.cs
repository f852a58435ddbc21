using InferencePipeline.ModelAnalyzer.Config;
using InferencePipeline.Testing.Models;

namespace InferencePipeline.ModelAnalyzer.Tests;

/// <summary>Model Analyzer's YAML: the seed's files as shipped, the common keys, warnings for unknown keys, typed errors with key paths.</summary>
public sealed class YamlTests
{
    private static readonly string Base = Path.Combine(Path.GetTempPath(), "inferpipe-yaml-base");

    [Fact]
    public void The_seeds_profile_file_parses_unchanged_without_warnings()
    {
        var warnings = new List<string>();
        var config = ModelAnalyzerYaml.Parse(SeedWorkspace.SeedText("model-analyzer-profile.yml"), "config_bert-olive.yml", Base, warnings);

        Assert.Empty(warnings);
        Assert.Equal("/models/model_repository", config.ModelRepository);
        Assert.Equal("/models/output_model_repository/output_bert_olive1", config.OutputModelRepositoryPath);
        Assert.True(config.OverrideOutputModelRepository);
        Assert.True(config.SearchDisable);
        Assert.Equal([1, 2, 4, 8, 16, 32, 64, 128], config.Parameters.Concurrency);
        Assert.Equal(["bert_default", "bertsquad"], config.ProfileModels.Select(m => m.Name));
        var bertsquad = config.ProfileModels[1].ModelConfigParameters!;
        Assert.Equal(["dynamic_batching", "instance_group"], bertsquad.Entries.Select(e => e.Key));
        // Model Analyzer's defaults for what the file leaves out.
        Assert.Equal(Path.Combine(Base, "checkpoints"), config.CheckpointDirectory);
        Assert.Equal(ConfigSearchMode.Brute, config.SearchMode);
        Assert.Equal(TritonLaunchMode.Local, config.LaunchMode);
        Assert.Equal(3, config.NumConfigsPerModel);
    }

    [Fact]
    public void The_seeds_analyze_file_parses_unchanged_with_its_fields_in_order()
    {
        var warnings = new List<string>();
        var config = ModelAnalyzerYaml.Parse(SeedWorkspace.SeedText("model-analyzer-analyze.yml"), "config_bert_olive_analyze.yml", Base, warnings);

        Assert.Empty(warnings);
        Assert.Equal(Path.Combine(Base, "results"), config.ExportPath);
        Assert.Equal("metrics-model-inference.csv", config.FilenameModelInference);
        Assert.Equal(["bert_default", "bertsquad"], config.AnalysisModels.Select(m => m.Name));
        Assert.Equal(
            ["model_name", "batch_size", "concurrency", "model_config_path", "instance_group", "dynamic_batch_sizes", "satisfies_constraints", "perf_throughput", "perf_latency_p99"],
            config.InferenceOutputFields);
    }

    [Fact]
    public void The_common_keys_read_in_every_form_model_analyzer_accepts()
    {
        const string yaml = """
            model_repository: repo
            output_model_repository_path: out
            checkpoint_directory: ckpt
            run_config_search_mode: quick
            run_config_search_max_concurrency: 64
            run_config_search_max_instance_count: 3
            run_config_search_min_model_batch_size: 2
            run_config_search_max_model_batch_size: 32
            num_configs_per_model: 2
            triton_launch_mode: remote
            triton_grpc_endpoint: server:9001
            latency_budget: 20
            min_throughput: 50
            batch_sizes: 1,2
            perf_analyzer_flags:
              measurement-interval: 250
              stability-percentage: 25
              max-trials: 6
              percentile: 99
              input-data: zero
              shape: [ "input_names:256", "input_mask:256" ]
            objectives:
              perf_throughput: 10
              perf_latency_p99: 5
            profile_models:
              - bert
              - add:
                  parameters:
                    concurrency: { start: 2, stop: 8, step: 2 }
                  constraints:
                    perf_latency_p99: { max: 10 }
            """;
        var warnings = new List<string>();
        var config = ModelAnalyzerYaml.Parse(yaml, "x.yml", Base, warnings);

        Assert.Empty(warnings);
        Assert.Equal(Path.Combine(Base, "repo"), config.ModelRepository);
        Assert.Equal(Path.Combine(Base, "ckpt"), config.CheckpointDirectory);
        Assert.Equal(ConfigSearchMode.Quick, config.SearchMode);
        Assert.Equal((64, 3, 2, 32, 2), (config.MaxConcurrency, config.MaxInstanceCount, config.MinModelBatchSize, config.MaxModelBatchSize, config.NumConfigsPerModel));
        Assert.Equal(TritonLaunchMode.Remote, config.LaunchMode);
        Assert.Equal("server:9001", config.GrpcEndpoint);
        Assert.Equal([1, 2], config.Parameters.BatchSizes);
        Assert.Equal(250, config.PerfAnalyzerFlags.MeasurementIntervalMs);
        Assert.Equal("zero", config.PerfAnalyzerFlags.InputData);
        Assert.Equal([256L], config.PerfAnalyzerFlags.Shapes!["input_mask"]);
        Assert.Equal([("perf_throughput", 10.0), ("perf_latency_p99", 5.0)], config.Objectives.Select(o => (o.Metric, o.Weight)));
        Assert.Equal([2, 4, 6, 8], config.ProfileModels[1].Parameters.Concurrency);
        // latency_budget and min_throughput are constraints; the model's own bound is the tighter one.
        Assert.Equal("p99 <= 20 ms, throughput >= 50 infer/s", config.ConstraintsFor("bert").Describe());
        Assert.Equal("p99 <= 10 ms, throughput >= 50 infer/s", config.ConstraintsFor("add").Describe());
    }

    [Fact]
    public void Unknown_keys_are_warnings_naming_each_by_its_path()
    {
        const string yaml = """
            model_repository: repo
            perf_output: true
            profile_models:
              bert:
                weighting: 2
            perf_analyzer_flags:
              latency-report-file: x.csv
            """;
        var warnings = new List<string>();
        var config = ModelAnalyzerYaml.Parse(yaml, "x.yml", Base, warnings);

        Assert.Equal("bert", Assert.Single(config.ProfileModels).Name);
        Assert.Equal(3, warnings.Count);
        Assert.Contains(warnings, w => w.Contains("x.yml: perf_output (line 2): unknown key 'perf_output'"));
        Assert.Contains(warnings, w => w.Contains("profile_models.bert.weighting (line 5)"));
        Assert.Contains(warnings, w => w.Contains("perf_analyzer_flags.latency-report-file (line 7)"));
    }

    [Theory]
    [InlineData("concurrency: [1, two]", "concurrency[1] (line 1): expected an integer, got 'two'")]
    [InlineData("concurrency: [0]", "concurrency[0] (line 1): expected an integer >= 1, got 0")]
    [InlineData("override_output_model_repository: maybe", "override_output_model_repository (line 1): expected true or false, got 'maybe'")]
    [InlineData("run_config_search_mode: optuna", "run_config_search_mode (line 1): expected 'brute' or 'quick', got 'optuna'")]
    [InlineData("triton_launch_mode: c_api", "triton_launch_mode (line 1): expected 'local'")]
    [InlineData("latency_budget: -5", "latency_budget (line 1): expected a number > 0, got -5")]
    [InlineData("profile_models: { ../up: {} }", "profile_models.../up (line 1): Model name '../up'")]
    [InlineData("profile_models:\n  bert:\n    parameters:\n      concurrency: [1]\n      request_rate: [5]", "profile_models.bert.parameters (line 4): 'concurrency' and 'request_rate' exclude each other")]
    [InlineData("perf_analyzer_flags:\n  shape: input_names", "perf_analyzer_flags.shape (line 2): expected 'input_name:dim1,dim2'")]
    [InlineData("objectives: [gpu_used_memory]", "objectives (line 1): unknown objective 'gpu_used_memory'")]
    [InlineData("constraints:\n  perf_latency_p99: 5", "constraints.perf_latency_p99 (line 2): expected a mapping")]
    [InlineData("profile_models: [a, a]", "profile_models (line 1): model 'a' is listed twice")]
    [InlineData("filename_model_inference: ../x.csv", "filename_model_inference (line 1): expected a plain file name")]
    [InlineData("run_config_search_min_concurrency: 8\nrun_config_search_max_concurrency: 4", "run_config_search_min_concurrency: run_config_search_min_concurrency (8) is above")]
    [InlineData("profile_models: [bert", "not valid YAML")]
    public void Wrong_types_and_values_are_errors_with_the_keys_path_and_what_was_expected(string yaml, string expected)
    {
        var e = Assert.Throws<ModelAnalyzerConfigException>(() => ModelAnalyzerYaml.Parse(yaml, "bad.yml", Base, new List<string>()));

        Assert.StartsWith("bad.yml: ", e.Message);
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void A_missing_or_empty_file_is_an_error_naming_it()
    {
        var missing = Path.Combine(Base, "nope", "profile.yml");
        var e = Assert.Throws<ModelAnalyzerConfigException>(() => ModelAnalyzerYaml.Load(missing, Base, new List<string>()));
        Assert.Equal(missing, e.File);
        Assert.Contains("does not exist", e.Message);

        var empty = Assert.Throws<ModelAnalyzerConfigException>(() => ModelAnalyzerYaml.Parse("# nothing\n", "empty.yml", Base, new List<string>()));
        Assert.Contains("empty.yml: the file is empty", empty.Message);
    }

    [Fact]
    public void An_unreadable_file_is_an_error_naming_it()
    {
        var folder = Directory.CreateTempSubdirectory("inferpipe-yaml-").FullName;
        try
        {
            // A folder where the file should be cannot be read as one, whatever the user's permissions.
            var e = Assert.Throws<ModelAnalyzerConfigException>(() => ModelAnalyzerYaml.Load(folder, Base, new List<string>()));
            Assert.Equal(folder, e.File);
        }
        finally
        {
            Directory.Delete(folder);
        }
    }
}
