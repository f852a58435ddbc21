using Inference;
using InferencePipeline.ModelAnalyzer.Config;
using InferencePipeline.ModelAnalyzer.Profiling;
using InferencePipeline.ModelAnalyzer.Search;
using InferencePipeline.ModelRepository;
using InferencePipeline.Testing.Models;

namespace InferencePipeline.ModelAnalyzer.Tests;

/// <summary>The configs a YAML asks for: the seed's plan, Model Analyzer's automatic space, cross products with ORT parameters, the GPU fallback.</summary>
public sealed class PlanTests : IDisposable
{
    private readonly TestModelRepository _repository = new();

    [Fact]
    public async Task The_seeds_plan_is_26_configs_at_most_208_measurements()
    {
        using var seed = await SeedWorkspace.CreateAsync();
        var warnings = new List<string>();
        var config = ModelAnalyzerYaml.Load(seed.ProfileFile, seed.Root, warnings);

        var jobs = ProfileJobFactory.Build(config, Uri, new GpuFallback(gpuAvailable: false, warnings.Add), warnings);
        var (text, configs, measurements) = PlanPreview.Describe(jobs);

        Assert.Equal(26, configs);
        Assert.Equal(26 * 8, measurements);
        Assert.EndsWith("26 configs, at most 208 measurements\n", text);
        // bert_default's one config is its count-1 KIND_GPU variant; bertsquad's 25: [[1]..[16]] × 1..5 instances.
        Assert.Contains("bert_default_config_0: max_batch_size 16, no dynamic batching, 1×CPU", text);
        Assert.Contains("bertsquad_config_0: max_batch_size 16, dynamic batching [1], 1×CPU", text);
        Assert.Contains("bertsquad_config_24: max_batch_size 16, dynamic batching [16], 5×CPU", text);
        Assert.Contains("concurrencies 1, 2, 4, 8, 16, 32, 64, 128", text);
        // KIND_GPU on a host without a GPU: one warning, however many configs asked for it.
        Assert.Single(warnings);
        Assert.Contains("KIND_GPU", warnings[0]);
        Assert.All(jobs.SelectMany(j => j.DistinctConfigs()), c => Assert.Equal("CPU", c.InstanceKind));
    }

    [Fact]
    public async Task Without_model_config_parameters_the_default_comes_first_then_model_analyzers_automatic_space()
    {
        await _repository.AddAddAsync("add", maxBatchSize: 8);
        var job = Single("""
            profile_models: [add]
            run_config_search_max_model_batch_size: 8
            run_config_search_max_instance_count: 3
            """);

        var configs = job.DistinctConfigs();

        Assert.Equal("add_config_default", configs[0].Name);
        Assert.Equal(ContractsVariant.Default, configs[0].Variant);
        Assert.Null(configs[0].Config.DynamicBatching);
        // instance counts 1..3 × max_batch_size 1, 2, 4, 8, dynamic batching on.
        Assert.Equal(12, configs.Count - 1);
        Assert.All(configs.Skip(1), c => Assert.NotNull(c.Config.DynamicBatching));
        Assert.Equal([1, 2, 4, 8, 1, 2, 4, 8, 1, 2, 4, 8], configs.Skip(1).Select(c => c.Config.MaxBatchSize));
        Assert.Equal([1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3], configs.Skip(1).Select(c => c.InstanceCount));
        Assert.Equal(["instance_group[0].count", "max_batch_size"], job.Grid!.Axes.Select(a => a.Name));
        // The automatic concurrency sweep: powers of two up to run_config_search_max_concurrency.
        Assert.Equal(11, job.Load.Values.Count);
    }

    [Fact]
    public async Task A_model_that_does_not_batch_searches_instance_counts_and_a_config_equal_to_the_default_is_measured_once()
    {
        await _repository.AddAddAsync("add", maxBatchSize: 0);
        var job = Single("profile_models: [add]\nrun_config_search_max_instance_count: 4");

        var configs = job.DistinctConfigs();

        // The count-1 variant is the default itself: 1 + 3 configs, not 1 + 4.
        Assert.Equal([1, 2, 3, 4], configs.Select(c => c.InstanceCount));
        Assert.All(configs, c => Assert.Null(c.Config.DynamicBatching));
    }

    [Fact]
    public async Task Backend_parameters_are_searched_jointly_with_batching_and_the_configs_own_parameters_stay()
    {
        await _repository.AddAddAsync("add", maxBatchSize: 8, c => c.Parameters["enable_mem_arena"] = new ModelParameter { StringValue = "1" });
        var job = Single("""
            profile_models:
              add:
                model_config_parameters:
                  max_batch_size: [4, 8]
                  dynamic_batching:
                    max_queue_delay_microseconds: [100, 200]
                  parameters:
                    intra_op_thread_count: [1, 2]
                    execution_mode: { string_value: "0" }
            """);

        var configs = job.DistinctConfigs();

        Assert.Equal(1 + 8, configs.Count);
        Assert.Equal(["max_batch_size", "dynamic_batching.max_queue_delay_microseconds", "parameters.intra_op_thread_count"], job.Grid!.Axes.Select(a => a.Name));
        var last = configs[^1];
        Assert.Equal("add_config_7", last.Name);
        Assert.Equal(8, last.Config.MaxBatchSize);
        Assert.Equal(200UL, last.Config.DynamicBatching.MaxQueueDelayMicroseconds);
        Assert.Equal("2", last.Config.Parameters["intra_op_thread_count"].StringValue);
        Assert.Equal("0", last.Config.Parameters["execution_mode"].StringValue);
        Assert.Equal("1", last.Config.Parameters["enable_mem_arena"].StringValue);
        Assert.Equal("max_batch_size 8, dynamic batching, max queue delay 200 µs, 1×CPU, enable_mem_arena=1, execution_mode=0, intra_op_thread_count=2", last.Describe());
        var profiled = last.ToProfiled();
        Assert.Equal("2", profiled.BackendParameters!["intra_op_thread_count"]);
    }

    [Fact]
    public async Task Backend_parameters_alone_extend_the_automatic_space()
    {
        await _repository.AddAddAsync("add", maxBatchSize: 2);
        var job = Single("""
            run_config_search_max_instance_count: 2
            run_config_search_max_model_batch_size: 2
            profile_models:
              add:
                model_config_parameters:
                  parameters:
                    intra_op_thread_count: [1, 2]
            """);

        Assert.Equal(["instance_group[0].count", "max_batch_size", "parameters.intra_op_thread_count"], job.Grid!.Axes.Select(a => a.Name));
        Assert.Equal(1 + 2 * 2 * 2, job.DistinctConfigs().Count);
    }

    [Fact]
    public async Task A_preferred_size_above_max_batch_size_raises_it_unless_the_point_sets_it()
    {
        await _repository.AddAddAsync("add", maxBatchSize: 4);
        var job = Single("""
            profile_models:
              add:
                model_config_parameters:
                  dynamic_batching:
                    preferred_batch_size: [[2], [16]]
            """);

        Assert.Equal([4, 16], job.DistinctConfigs().Skip(1).Select(c => c.Config.MaxBatchSize));
    }

    [Fact]
    public async Task Fields_the_profiler_cannot_set_are_warned_about_and_bad_values_are_errors_with_their_path()
    {
        await _repository.AddAddAsync("add");
        var warnings = new List<string>();
        Single("""
            profile_models:
              add:
                model_config_parameters:
                  no_such_field: [1, 2]
                  instance_group:
                    - count: [1, 2]
            """, warnings);
        Assert.Contains(warnings, w => w.Contains("profile_models.add.model_config_parameters.no_such_field") && w.Contains("'no_such_field' is not a field"));

        var e = Assert.Throws<ModelAnalyzerConfigException>(() => Single("""
            profile_models:
              add:
                model_config_parameters:
                  instance_group:
                    - kind: KIND_TPU
            """));
        Assert.Contains("profile_models.add.model_config_parameters.instance_group[0].kind (line 6)", e.Message);
        Assert.Contains("KIND_GPU", e.Message);
    }

    [Fact]
    public async Task A_model_that_is_not_in_the_repository_is_an_error_naming_it_and_the_repository()
    {
        await _repository.AddAddAsync("add");
        var e = Assert.Throws<ModelAnalyzerConfigException>(() => Single("profile_models: [addd]"));

        Assert.Contains("profile_models.addd", e.Message);
        Assert.Contains($"model 'addd' is not in the model repository {_repository.Root}", e.Message);
        Assert.Contains("it holds add", e.Message);
    }

    [Fact]
    public async Task With_search_disabled_a_model_without_parameters_is_its_default_alone()
    {
        await _repository.AddAddAsync("add");
        var job = Single("run_config_search_disable: true\nconcurrency: [1, 2]\nprofile_models: [add]");

        Assert.Equal(["add_config_default"], job.DistinctConfigs().Select(c => c.Name));
        Assert.Equal(2, job.MaxMeasurements(1));
    }

    private ModelProfileJob Single(string yaml, List<string>? warnings = null)
    {
        warnings ??= [];
        var config = ModelAnalyzerYaml.Parse($"model_repository: {_repository.Root}\n" + yaml, "test.yml", _repository.Root, warnings);
        return Assert.Single(ProfileJobFactory.Build(config, Uri, new GpuFallback(false, warnings.Add), warnings));
    }

    private static string Uri(string name) => Path.Combine("out", name, ModelConfigFile.FileName);

    public void Dispose() => _repository.Dispose();
}
